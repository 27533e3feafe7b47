// Scenario 11: Node <-> Java through the engine. Needs the Java test runner,
// which registers before the suite starts:
//   compat::java::echo      -> returns its input object with "lang":"java" added
//   compat::java::call-node -> input {function_id, payload}; calls that function
//                              via the engine and returns {"from_node": <result>}
// Skipped unless III_JAVA_WORKER=1.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { JAVA_WORKER, rand, stripCaller, waitForFunctions, workersFor } from '../lib/compat.mjs'

const skip = JAVA_WORKER ? false : 'III_JAVA_WORKER is not "1" (no Java worker registered)'
const JAVA_ECHO = 'compat::java::echo'
const JAVA_CALL_NODE = 'compat::java::call-node'

test('11a. Node calls the Java echo function', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const node = workers.create()
  await waitForFunctions(node, [JAVA_ECHO], 10_000)

  const payload = {
    text: 'héllo 👋 שלום 漢字',
    int: 42,
    float: 1.5,
    big: Number.MAX_SAFE_INTEGER,
    nothing: null,
    flags: [true, false],
    nested: { list: [1, 'two', { three: [3] }], empty: {} },
  }
  const result = await node.trigger({ function_id: JAVA_ECHO, payload })
  // The Java side echoes what it received, which includes the engine-injected
  // _caller_worker_id (allowed, not required).
  assert.deepEqual(stripCaller(result), { ...payload, lang: 'java' })
})

test('11b. Java calls a Node function (Node -> Java -> Node)', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const greetFn = `compat::node::greet-${r}`
  const calls = []

  const node = workers.create()
  node.registerFunction(greetFn, async (input) => {
    calls.push(input)
    return { greeting: `Hello, ${input.name}!`, lang: 'node', r }
  })
  await waitForFunctions(node, [JAVA_CALL_NODE, greetFn], 10_000)

  const result = await node.trigger({
    function_id: JAVA_CALL_NODE,
    payload: { function_id: greetFn, payload: { name: 'Ada Lovelace – Ада' } },
  })
  assert.deepEqual(result, { from_node: { greeting: 'Hello, Ada Lovelace – Ада!', lang: 'node', r } })
  assert.equal(calls.length, 1, 'the Node function runs exactly once')
  assert.deepEqual(stripCaller(calls[0]), { name: 'Ada Lovelace – Ада' })
  assert.equal(typeof calls[0]._caller_worker_id, 'string', 'the Java caller is identified by _caller_worker_id')
})
