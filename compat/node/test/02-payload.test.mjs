// Scenario 5: payloads survive the round trip caller -> engine -> executor ->
// engine -> caller unchanged (the echo handler strips the engine-injected
// `_caller_worker_id`).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rand, stripCaller, waitForFunctions, workersFor } from '../lib/compat.mjs'

/** Registers an echo function on worker A and returns a caller B plus the id. */
async function echoPair(t) {
  const workers = workersFor(t)
  const fnId = `compat::node::echo-${rand()}`
  const received = []
  const a = workers.create()
  a.registerFunction(fnId, async (input) => {
    received.push(input)
    return stripCaller(input)
  })
  const b = workers.create()
  await waitForFunctions(b, [fnId])
  const echo = (payload) => b.trigger({ function_id: fnId, payload })
  return { echo, received }
}

function nested(depth) {
  // Alternating objects and arrays; total JSON depth = 2 * depth (+ envelope),
  // kept below the reference engine's serde_json recursion limit of 128.
  let v = { leaf: 'bottom', n: depth }
  for (let i = depth - 1; i >= 0; i--) v = { level: i, items: [i, v, null] }
  return v
}

test('5a. unicode, nesting, numbers, null and booleans round-trip exactly', { timeout: 30_000 }, async (t) => {
  const { echo, received } = await echoPair(t)

  const payload = {
    ascii: 'plain text',
    latin: 'Grüße, façade, naïve, Ærøskøbing',
    cjk: '漢字かなカナ한국어',
    emoji: '😀👍🏽👨‍👩‍👧‍👦🏳️‍🌈 and 𝄞 (astral)',
    rtl: 'שלום עולם – مرحبا بالعالم',
    mixedDirection: 'abc \u202Eevil\u202C def',
    escapes: 'quote " backslash \\ slash / tab \t newline \n cr \r',
    controls: '\u0000\u0001\u001f\u007f',
    separators: 'line\u2028para\u2029end',
    'ключ с пробелом': 'unicode key',
    '🔑': 'emoji key',
    '': 'empty key',
    emptyString: '',
    emptyObject: {},
    emptyArray: [],
    int: 1,
    float: 1.5,
    zero: 0,
    negative: -17,
    negativeFloat: -0.000123,
    smallExp: 1e-7,
    bigExp: 1.7976931348623157e308,
    maxSafe: Number.MAX_SAFE_INTEGER,
    minSafe: Number.MIN_SAFE_INTEGER,
    pow2: 2 ** 40,
    pi: Math.PI,
    nothing: null,
    yes: true,
    no: false,
    arrayOfMixed: [1, 1.25, 'two', null, true, false, { k: [] }, [[[]]]],
    deep: nested(40),
  }

  const result = await echo(payload)
  assert.deepEqual(result, payload)

  // Integer vs float stay distinguishable where JS can see it.
  assert.ok(Number.isInteger(result.int) && result.int === 1)
  assert.equal(result.float, 1.5)
  assert.equal(result.maxSafe, 9007199254740991)
  assert.equal(result.nothing, null)
  assert.ok('nothing' in result, 'null-valued keys must not be dropped')

  // The executor saw the same payload (plus the injected caller id).
  assert.equal(received.length, 1)
  assert.deepEqual(stripCaller(received[0]), payload)
})

test('5b. a 256 KiB string round-trips exactly', { timeout: 30_000 }, async (t) => {
  const { echo } = await echoPair(t)
  const unit = 'abcdefghij-ÄÖÜ-€-😀-שלום-\n' // mixed 1/2/3/4-byte UTF-8
  let big = unit.repeat(Math.ceil((256 * 1024) / unit.length))
  big = big.slice(0, 256 * 1024)
  if (/[\uD800-\uDBFF]$/.test(big)) big = `${big.slice(0, -1)}x` // never cut a surrogate pair
  assert.equal(big.length, 256 * 1024)

  const result = await echo({ big, tail: 'after the big string' })
  assert.equal(result.big.length, big.length)
  assert.ok(result.big === big, 'the 256 KiB string must come back unchanged')
  assert.equal(result.tail, 'after the big string')
})

test('5c. non-object payloads pass through unchanged (no caller id injected)', { timeout: 30_000 }, async (t) => {
  const { echo, received } = await echoPair(t)
  const cases = [
    'a bare string 😀 שלום',
    '',
    42,
    1.5,
    0,
    -1,
    true,
    false,
    [1, 'two', null, { three: 3 }],
    [],
  ]
  for (const value of cases) {
    const result = await echo(value)
    assert.deepEqual(result, value, `round trip of ${JSON.stringify(value)}`)
  }
  assert.deepEqual(received, cases, 'non-object payloads must reach the executor unchanged')

  // An explicit null payload yields "no value": the engine omits `result`
  // rather than sending null, and the SDK resolves undefined.
  assert.equal(await echo(null), undefined)
})
