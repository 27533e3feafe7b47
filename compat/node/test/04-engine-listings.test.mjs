// Scenario 8: engine introspection functions and the engine-owned
// `engine::functions-available` / `engine::workers-available` trigger types.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  barrier,
  eventually,
  listFunctions,
  listTriggerTypes,
  listWorkers,
  rand,
  workersFor,
} from '../lib/compat.mjs'

const WORKER_SUMMARY_KEYS = [
  'name',
  'description',
  'version',
  'id',
  'runtime',
  'os',
  'status',
  'function_count',
  'connected_at_ms',
  'active_invocations',
  'isolation',
  'ip_address',
]

test('8a. functions, workers and trigger types are listed', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const name = `compat-node-listing-${r}`
  const description = `compat listing worker ${r}`
  const fnA = `compat::node::list-a-${r}`
  const fnB = `compat::node::list-b-${r}`
  const typeId = `compat-listing-${r}`
  const typeDescription = `compat listing trigger type ${r}`

  const listed = workers.create({ workerName: name, workerDescription: description })
  listed.registerFunction(fnA, async () => 'a', { description: 'listing function A' })
  listed.registerFunction(fnB, async () => 'b')
  listed.registerTriggerType({ id: typeId, description: typeDescription }, {
    registerTrigger: async () => {},
    unregisterTrigger: async () => {},
  })

  const observer = workers.create()
  const whoAmI = `compat::node::whoami-${r}`
  observer.registerFunction(whoAmI, async (input) => input._caller_worker_id)

  // engine::functions::list -> functions[].function_id (+ worker_name, description)
  await eventually(async () => {
    const fns = await listFunctions(observer)
    const a = fns.find((f) => f.function_id === fnA)
    const b = fns.find((f) => f.function_id === fnB)
    assert.ok(a && b, 'our functions are not listed yet')
    assert.equal(a.description, 'listing function A')
    assert.ok(!('description' in b) || b.description === undefined, 'absent description must be omitted')
    assert.equal(a.worker_name, name, 'worker_name is the name the worker reported')
    assert.equal(b.worker_name, name)
  })

  // engine::workers::list -> our worker, once it reported its pid
  const row = await eventually(async () => {
    const rows = await listWorkers(observer)
    const mine = rows.filter((w) => w.name === name)
    assert.equal(mine.length, 1, 'our worker is not listed (exactly once) yet')
    return mine[0]
  })
  for (const key of WORKER_SUMMARY_KEYS) assert.ok(key in row, `worker row lacks key ${key}: ${JSON.stringify(row)}`)
  assert.equal(row.runtime, 'node')
  assert.equal(row.status, 'connected')
  assert.equal(row.version, '0.22.1')
  assert.equal(row.description, description)
  assert.equal(row.function_count, 2)
  assert.equal(typeof row.id, 'string')
  assert.equal(typeof row.os, 'string')
  assert.equal(typeof row.connected_at_ms, 'number')
  assert.ok(!('pid' in row), 'pid is only shown by engine::workers::info')

  // The listed id is the id the engine injects as _caller_worker_id.
  assert.equal(await listed.trigger({ function_id: whoAmI, payload: {} }), row.id)

  // engine::triggers::list -> our type with its description, no schema keys
  await eventually(async () => {
    const types = await listTriggerTypes(observer)
    const mine = types.find((x) => x.id === typeId)
    assert.ok(mine, 'our trigger type is not listed yet')
    assert.equal(mine.description, typeDescription)
    assert.ok(!('configuration_schema' in mine), 'triggers::list rows carry no configuration_schema')
    assert.equal(mine.worker_name, name)
    assert.ok(!types.some((x) => x.id.startsWith('engine::')), 'engine:: types are hidden by default')
  })
})

test('8b. engine::functions-available fires functions_changed after a new function appears', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const observerFn = `compat::node::functions-observer-${r}`
  const newFn = `compat::node::functions-new-${r}`
  const events = []

  const observer = workers.create()
  observer.registerFunction(observerFn, async (event) => {
    events.push(event)
  })
  observer.registerTrigger({ type: 'engine::functions-available', function_id: observerFn, config: {} })
  await barrier(observer) // trigger is live before the new function shows up

  const late = workers.create()
  late.registerFunction(newFn, async () => 'new')

  // The engine polls every 5 s.
  await eventually(() => {
    const hit = events.find(
      (e) => e?.event === 'functions_changed' && Array.isArray(e.functions) && e.functions.some((f) => f.function_id === newFn),
    )
    assert.ok(hit, `no functions_changed event listing ${newFn} yet (${events.length} events)`)
  }, 12_000, 100)
})

test('8c. engine::workers-available fires worker_connected and worker_disconnected', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const observerFn = `compat::node::workers-observer-${r}`
  const name = `compat-node-transient-${r}`
  const events = []

  const observer = workers.create()
  observer.registerFunction(observerFn, async (event) => {
    events.push(event)
  })
  observer.registerTrigger({ type: 'engine::workers-available', function_id: observerFn, config: {} })
  await barrier(observer)

  const transient = workers.create({ workerName: name })
  const id = await eventually(async () => {
    const row = (await listWorkers(observer)).find((w) => w.name === name)
    assert.ok(row, 'transient worker not listed yet')
    return row.id
  })

  await eventually(() =>
    assert.ok(
      events.some((e) => e?.event === 'worker_connected' && e.worker_id === id),
      `no worker_connected for ${id}: ${JSON.stringify(events)}`,
    ),
  )

  await workers.shutdown(transient)

  await eventually(() =>
    assert.ok(
      events.some((e) => e?.event === 'worker_disconnected' && e.worker_id === id),
      `no worker_disconnected for ${id}: ${JSON.stringify(events)}`,
    ),
  )
  await eventually(async () => {
    assert.ok(!(await listWorkers(observer)).some((w) => w.id === id), 'closed worker is still listed')
  })
  assert.equal(events.filter((e) => e?.event === 'worker_connected' && e.worker_id === id).length, 1)
  assert.equal(events.filter((e) => e?.event === 'worker_disconnected' && e.worker_id === id).length, 1)
})
