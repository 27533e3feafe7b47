// Scenario 7: worker-provided trigger types - parking of registrations made
// before the provider exists, exactly-once delivery with the SDK's trigger id,
// unregister on consumer disconnect, and failure propagation when the
// provider rejects a registration.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  barrier,
  captureConsoleError,
  eventually,
  listRegisteredTriggers,
  rand,
  registerTriggerCapturingId,
  sleep,
  workersFor,
} from '../lib/compat.mjs'

const failureLines = (lines, typeId) =>
  lines.filter((l) => l.includes('Trigger registration failed') && l.includes(typeId))

test('7a. trigger registered before its type exists is parked, then delivered once; consumer disconnect unregisters it once', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const errors = captureConsoleError(t)
  const r = rand()
  const typeId = `compat-${r}`
  const consumerFn = `compat::node::tt-consumer-${r}`
  const config = { tag: 'compat', n: 7, nested: { list: [1, 'two', null], ok: true } }
  const metadata = { source: 'compat-suite', r }

  // Consumer C binds to a trigger type nobody provides yet.
  const consumer = workers.create()
  const fired = []
  consumer.registerFunction(consumerFn, async (payload) => {
    fired.push(payload)
    return { ok: true }
  })
  const { id: triggerId } = registerTriggerCapturingId(() =>
    consumer.registerTrigger({ type: typeId, function_id: consumerFn, config, metadata }),
  )

  await barrier(consumer) // the registertrigger frame has been applied
  await sleep(300) // ... and no error ack follows it
  assert.deepEqual(failureLines(errors.lines, typeId), [], 'a parked registration must not be error-acked')
  assert.ok(
    !(await listRegisteredTriggers(consumer)).some((row) => row.id === triggerId),
    'a parked trigger is not live and must not be listed',
  )

  // Provider P arrives later and must receive the parked registration exactly once.
  const registered = []
  const unregistered = []
  const provider = workers.create()
  provider.registerTriggerType(
    { id: typeId, description: `compat trigger type ${r}` },
    {
      registerTrigger: async (cfg) => {
        registered.push(cfg)
      },
      unregisterTrigger: async (cfg) => {
        unregistered.push(cfg)
      },
    },
  )

  await eventually(() => assert.equal(registered.length, 1, 'provider has not received the parked trigger'), 5000)
  await sleep(300)
  assert.equal(registered.length, 1, 'the parked trigger must be delivered exactly once')
  assert.equal(registered[0].id, triggerId, 'the provider must see the id chosen by the registering SDK')
  assert.equal(registered[0].function_id, consumerFn)
  assert.deepEqual(registered[0].config, config)
  assert.deepEqual(registered[0].metadata, metadata)
  assert.deepEqual(failureLines(errors.lines, typeId), [])

  // It is live now.
  await eventually(async () => {
    const row = (await listRegisteredTriggers(provider)).find((x) => x.id === triggerId)
    assert.ok(row, 'activated trigger is not listed')
    assert.equal(row.trigger_type, typeId)
    assert.equal(row.function_id, consumerFn)
    assert.equal(typeof row.worker_name, 'string')
    assert.equal(typeof row.config_summary, 'string')
    assert.deepEqual(row.config, config)
  })

  // The provider can fire the binding it was given.
  assert.deepEqual(await provider.trigger({ function_id: registered[0].function_id, payload: { fire: 1 } }), { ok: true })
  assert.equal(fired.length, 1)

  // Consumer disconnects: the provider is told to unregister, exactly once.
  await workers.shutdown(consumer)
  await eventually(() => assert.equal(unregistered.length, 1, 'provider was not told to unregister'), 5000)
  await sleep(400)
  assert.equal(unregistered.length, 1, 'unregisterTrigger must be called exactly once')
  assert.equal(unregistered[0].id, triggerId)
  assert.equal(registered.length, 1, 'no re-delivery after the consumer left')

  await eventually(async () => {
    assert.ok(
      !(await listRegisteredTriggers(provider)).some((x) => x.id === triggerId),
      'trigger of a disconnected consumer is still listed',
    )
  })
})

test('7b. a provider that throws in registerTrigger makes the registration fail for the registering worker', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const errors = captureConsoleError(t)
  const r = rand()
  const typeId = `compat-bad-${r}`
  const fnId = `compat::node::tt-rejected-${r}`
  const reason = `config rejected ${r}`

  const attempts = []
  const provider = workers.create()
  provider.registerTriggerType(
    { id: typeId, description: 'always rejects' },
    {
      registerTrigger: async (cfg) => {
        attempts.push(cfg)
        throw new Error(reason)
      },
      unregisterTrigger: async () => {},
    },
  )
  await barrier(provider) // the trigger type exists now

  const registrant = workers.create()
  registrant.registerFunction(fnId, async () => ({ never: 'fired' }))
  const { id: triggerId } = registerTriggerCapturingId(() =>
    registrant.registerTrigger({ type: typeId, function_id: fnId, config: { x: 1 } }),
  )

  // The SDK prints: [iii] Trigger registration failed for "<id>" (<type>): <message>
  await eventually(() => {
    const lines = failureLines(errors.lines, typeId)
    assert.equal(lines.length, 1, `expected one registration failure, got ${JSON.stringify(errors.lines)}`)
    assert.ok(lines[0].includes(triggerId), `failure should name the trigger id: ${lines[0]}`)
    assert.ok(lines[0].includes(reason), `failure should carry the provider's message: ${lines[0]}`)
  }, 5000)
  assert.equal(attempts.length, 1)
  assert.equal(attempts[0].id, triggerId)

  // The failed trigger is not live.
  await eventually(async () => {
    const rows = await listRegisteredTriggers(registrant)
    assert.ok(!rows.some((x) => x.id === triggerId || x.function_id === fnId), 'failed trigger is still live')
  })
})
