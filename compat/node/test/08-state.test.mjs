// Scenario 13: the state worker (state::* functions and the `state` trigger
// type), served by the Java state-service on PostgreSQL through the gateway.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { StateEventType } from 'iii-sdk/state'
import { callEngine, eventually, rand, sleep, stripCaller, workersFor } from '../lib/compat.mjs'

const skip = process.env.III_STATE === '1' ? false : 'III_STATE is not set (no state service running)'

/** Waits until the state service has registered its functions with the gateway. */
async function stateReady(worker) {
  await eventually(() => callEngine(worker, 'state::list_groups', {}), 20_000, 200)
}

test('13a. set, get, update, list and delete', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const w = workers.create()
  await stateReady(w)
  const scope = `compat-state-${rand()}`

  assert.deepEqual(await callEngine(w, 'state::set', { scope, key: 'a', value: { n: 1 } }), {
    old_value: null,
    new_value: { n: 1 },
  })
  assert.deepEqual(await callEngine(w, 'state::get', { scope, key: 'a' }), { n: 1 })
  assert.strictEqual(await callEngine(w, 'state::get', { scope, key: 'missing' }), undefined, 'a missing key resolves undefined')
  await callEngine(w, 'state::set', { scope, key: 'nothing', value: null })
  assert.strictEqual(await callEngine(w, 'state::get', { scope, key: 'nothing' }), null, 'a stored null resolves null, not undefined')
  assert.strictEqual(await callEngine(w, 'state::delete', { scope, key: 'nothing' }), null, 'delete answers the stored null')

  const updated = await callEngine(w, 'state::update', {
    scope,
    key: 'a',
    ops: [
      { type: 'increment', path: 'n', by: 41 },
      { type: 'append', path: 'log', value: 'x' },
      { type: 'merge', path: ['deep', 'er'], value: { ok: true } },
    ],
  })
  assert.deepEqual(updated, { old_value: { n: 1 }, new_value: { n: 42, log: 'x', deep: { er: { ok: true } } } })
  assert.equal('errors' in updated, false, 'errors is omitted when empty')

  const failed = await callEngine(w, 'state::update', { scope, key: 'a', ops: [{ type: 'increment', path: 'log', by: 1 }] })
  assert.equal(failed.errors.length, 1)
  assert.equal(failed.errors[0].code, 'increment.not_number')

  await callEngine(w, 'state::set', { scope, key: 'b', value: 'second' })
  assert.deepEqual(await callEngine(w, 'state::list', { scope }), [{ n: 42, log: 'x', deep: { er: { ok: true } } }, 'second'])
  const groups = await callEngine(w, 'state::list_groups', {})
  assert.ok(groups.groups.includes(scope))

  assert.deepEqual(await callEngine(w, 'state::delete', { scope, key: 'b' }), 'second', 'delete answers the deleted value')
  assert.equal(await callEngine(w, 'state::delete', { scope, key: 'b' }), undefined)
  assert.equal(await callEngine(w, 'state::get', { scope, key: 'b' }), undefined)
})

test('13b. 50 concurrent increments sum exactly', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await stateReady(w)
  const scope = `compat-counter-${rand()}`
  const op = { scope, key: 'c', ops: [{ type: 'increment', path: '', by: 1 }] }
  await Promise.all(Array.from({ length: 50 }, () => callEngine(w, 'state::update', op)))
  assert.equal(await callEngine(w, 'state::get', { scope, key: 'c' }), 50)
})

test('13c. bad input answers deserialization_error naming the field', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await stateReady(w)
  await assert.rejects(callEngine(w, 'state::set', { key: 'k', value: 1 }), (err) => {
    assert.equal(err.code, 'deserialization_error')
    assert.match(err.message, /Failed to deserialize input for state::set: missing field `scope`/)
    return true
  })
})

test('13d. a state trigger receives created, updated and deleted events', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const w = workers.create()
  await stateReady(w)
  const scope = `compat-events-${rand()}`
  const fn = `compat::node::on-state-${rand()}`
  const events = []
  const metadata = []
  w.registerFunction(fn, async (event, meta) => {
    events.push(stripCaller(event))
    metadata.push(meta)
  })
  w.registerTrigger({ type: 'state', function_id: fn, config: { scope, key: 'k' }, metadata: { from: 'compat' } })

  // The binding reaches the state service asynchronously: write until the first event arrives.
  await eventually(async () => {
    await callEngine(w, 'state::set', { scope, key: 'probe', value: 0 })
    await callEngine(w, 'state::set', { scope, key: 'k', value: 1 })
    assert.ok(events.length > 0, 'no state event yet')
  }, 15_000, 300)
  await sleep(300)
  events.length = 0

  await callEngine(w, 'state::set', { scope, key: 'k', value: 2 })
  await callEngine(w, 'state::delete', { scope, key: 'k' })
  await callEngine(w, 'state::set', { scope, key: 'k', value: 3 })
  await eventually(() => assert.equal(events.length, 3))
  assert.deepEqual(events[0], {
    type: 'state', event_type: StateEventType.Updated, scope, key: 'k', old_value: 1, new_value: 2,
  })
  assert.deepEqual(events[1], {
    type: 'state', event_type: StateEventType.Deleted, scope, key: 'k', old_value: 2, new_value: null,
  })
  assert.deepEqual(events[2], {
    type: 'state', event_type: StateEventType.Created, scope, key: 'k', old_value: null, new_value: 3,
  })
  assert.ok(metadata.some((m) => m && m.from === 'compat'), `trigger metadata not delivered: ${JSON.stringify(metadata)}`)
})
