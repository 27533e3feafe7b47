// Scenarios 1-4 and 6: synchronous calls, handler errors, unknown functions,
// fire-and-forget calls and concurrency, between two Node workers.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InvocationError, TriggerAction } from 'iii-sdk'
import {
  assertInvocationError,
  barrier,
  eventually,
  rand,
  sleep,
  stripCaller,
  waitForFunctions,
  workersFor,
} from '../lib/compat.mjs'

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

test('1. sync call across two workers returns the exact result', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const fnId = `compat::node::add-${rand()}`
  const seen = []

  const a = workers.create()
  a.registerFunction(fnId, async (input) => {
    seen.push(input)
    return { sum: input.a + input.b, label: `sum of ${input.a} and ${input.b}`, ok: true }
  })

  const b = workers.create()
  await waitForFunctions(b, [fnId])

  const result = await b.trigger({ function_id: fnId, payload: { a: 2, b: 40 } })
  assert.deepEqual(result, { sum: 42, label: 'sum of 2 and 40', ok: true })

  // The executor sees the caller's payload plus the engine-injected caller id.
  assert.equal(seen.length, 1)
  assert.deepEqual(stripCaller(seen[0]), { a: 2, b: 40 })
  assert.match(String(seen[0]._caller_worker_id), UUID_RE, '_caller_worker_id must be injected into object payloads')

  // A second call gets its own, fresh result.
  assert.deepEqual(await b.trigger({ function_id: fnId, payload: { a: -5, b: 5 } }), {
    sum: 0,
    label: 'sum of -5 and 5',
    ok: true,
  })
})

test('2. handler error rejects with InvocationError invocation_failed and the thrown message', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const fnId = `compat::node::fail-${r}`
  const message = `boom ${r} – ünïcödé`

  const a = workers.create()
  a.registerFunction(fnId, async () => {
    throw new Error(message)
  })

  const b = workers.create()
  await waitForFunctions(b, [fnId])

  const err = await assertInvocationError(b.trigger({ function_id: fnId, payload: { x: 1 } }), 'invocation_failed')
  assert.equal(err.message, `invocation_failed: ${message}`)
  assert.equal(err.function_id, fnId)
  assert.equal(typeof err.stacktrace, 'string', 'the executor stacktrace is forwarded as a string')
  assert.ok(err.stacktrace.includes(message), 'stacktrace carries the original error')

  // The executor is still healthy after a failing call.
  const okId = `compat::node::ok-${r}`
  a.registerFunction(okId, async () => 'still alive')
  await waitForFunctions(b, [okId])
  assert.equal(await b.trigger({ function_id: okId, payload: {} }), 'still alive')
})

test('3. unknown function rejects with function_not_found naming the id', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const missing = `compat::node::does-not-exist-${rand()}`
  const b = workers.create()

  const err = await assertInvocationError(b.trigger({ function_id: missing, payload: { q: 1 } }), 'function_not_found')
  assert.ok(err instanceof InvocationError)
  assert.ok(err.message.includes(missing), `message should contain the id: ${err.message}`)
  assert.equal(err.function_id, missing)

  // A non-object payload behaves the same.
  await assertInvocationError(b.trigger({ function_id: missing, payload: 'text' }), 'function_not_found')
})

test('4. void call runs the handler and resolves without a result', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const fnId = `compat::node::void-${r}`
  const calls = []

  const a = workers.create()
  a.registerFunction(fnId, async (input) => {
    calls.push(stripCaller(input))
    return { ignored: true }
  })

  const b = workers.create()
  await waitForFunctions(b, [fnId])

  const result = await b.trigger({ function_id: fnId, payload: { token: r }, action: TriggerAction.Void() })
  assert.equal(result, undefined)

  await eventually(() => assert.equal(calls.length, 1, 'void handler has not run yet'), 5000)
  assert.deepEqual(calls[0], { token: r })

  // Fire-and-forget to an unknown function is silently dropped; the caller's
  // connection keeps working and nothing is delivered twice.
  assert.equal(
    await b.trigger({ function_id: `compat::node::void-missing-${r}`, payload: {}, action: TriggerAction.Void() }),
    undefined,
  )
  await barrier(b)
  await sleep(200)
  assert.equal(calls.length, 1, 'the void handler must run exactly once')
})

test('6. 200 concurrent calls all resolve with their own results', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const fnId = `compat::node::concurrent-${rand()}`
  let inFlight = 0
  let maxInFlight = 0

  const a = workers.create()
  a.registerFunction(fnId, async ({ i, tag }) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    // Random delay so results come back out of order.
    await sleep(Math.floor(Math.random() * 25))
    inFlight--
    return { i, tag, square: i * i }
  })

  const b = workers.create()
  await waitForFunctions(b, [fnId])

  const n = 200
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => b.trigger({ function_id: fnId, payload: { i, tag: `call-${i}` } })),
  )
  assert.equal(results.length, n)
  results.forEach((res, i) => assert.deepEqual(res, { i, tag: `call-${i}`, square: i * i }))
  assert.ok(maxInFlight > 1, `engine must dispatch calls concurrently (max in flight: ${maxInFlight})`)
})
