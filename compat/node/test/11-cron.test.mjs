// Scenario 16: the cron worker (trigger type `cron`), served by the Java
// cron-service on PostgreSQL through the gateway (spec workers.md section 3).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  captureConsoleError,
  eventually,
  listTriggerTypes,
  rand,
  registerTriggerCapturingId,
  sleep,
  stripCaller,
  workersFor,
} from '../lib/compat.mjs'

const skip = process.env.III_CRON === '1' ? false : 'III_CRON is not set (no cron service running)'

const SCHEDULED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/
const ACTUAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?\+00:00$/

/** Waits until the cron service provides the `cron` trigger type. */
async function cronReady(worker) {
  await eventually(async () => {
    const types = await listTriggerTypes(worker)
    assert.ok(types.some((x) => x.id === 'cron'), 'trigger type cron is not provided yet')
  }, 20_000, 200)
}

test('16a. an every-second cron trigger fires with the spec payload and metadata, and stops after unregister', { skip, timeout: 40_000 }, async (t) => {
  const w = workersFor(t).create()
  await cronReady(w)
  const fn = `compat::node::on-cron-${rand()}`
  const events = []
  w.registerFunction(fn, async (event, meta) => {
    events.push({ at: Date.now(), event: stripCaller(event), meta })
  })
  const { id, handle } = registerTriggerCapturingId(() =>
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: '* * * * * *' }, metadata: { from: 'compat' } }),
  )

  // The binding reaches the cron service asynchronously; from the first fire on, it ticks every second.
  await eventually(() => assert.ok(events.length >= 1, 'no cron fire yet'), 15_000, 100)
  const first = events.length
  await eventually(() => assert.ok(events.length >= first + 2, `only ${events.length - first} more fires`), 5_000, 100)

  for (const { event, meta } of events) {
    assert.deepEqual(Object.keys(event).sort(), ['actual_time', 'job_id', 'scheduled_time', 'trigger'])
    assert.equal(event.trigger, 'cron')
    assert.equal(event.job_id, id)
    assert.match(event.scheduled_time, SCHEDULED)
    assert.match(event.actual_time, ACTUAL)
    assert.ok(Date.parse(event.actual_time) >= Date.parse(event.scheduled_time), JSON.stringify(event))
    assert.deepEqual(meta, { from: 'compat' })
  }
  const ticks = events.map((e) => e.event.scheduled_time)
  assert.equal(new Set(ticks).size, ticks.length, `a tick fired twice: ${ticks}`)

  handle.unregister()
  // A fire already under way may still land; after that, nothing (a cron tick is one second).
  await sleep(1_500)
  const stopped = events.length
  await sleep(2_500)
  assert.equal(events.length, stopped, 'the trigger kept firing after unregister')
})

test('16b. a condition function returning false skips every tick', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await cronReady(w)
  const fn = `compat::node::cron-never-${rand()}`
  const condition = `compat::node::cron-condition-${rand()}`
  const fired = []
  const asked = []
  w.registerFunction(fn, async (event) => {
    fired.push(event)
  })
  w.registerFunction(condition, async (event, meta) => {
    asked.push({ event: stripCaller(event), meta })
    return false
  })
  const handle = w.registerTrigger({
    type: 'cron',
    function_id: fn,
    config: { expression: '* * * * * *', condition_function_id: condition },
    metadata: { hidden: true },
  })
  await eventually(() => assert.ok(asked.length >= 2, 'condition not called twice yet'), 15_000, 100)
  handle.unregister()
  assert.equal(fired.length, 0, 'the handler ran although the condition returned false')
  assert.equal(asked[0].event.trigger, 'cron')
  assert.match(asked[0].event.scheduled_time, SCHEDULED)
  assert.ok(asked[0].meta == null, `condition functions never receive trigger metadata: ${JSON.stringify(asked[0].meta)}`)
})

test('16c. an invalid expression is rejected at registration with the reason', { skip, timeout: 30_000 }, async (t) => {
  const errors = captureConsoleError(t)
  const w = workersFor(t).create()
  await cronReady(w)
  const fn = `compat::node::cron-invalid-${rand()}`
  w.registerFunction(fn, async () => {})
  const { id } = registerTriggerCapturingId(() =>
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: '0 0 0 * * 0' } }),
  )
  // The SDK prints: [iii] Trigger registration failed for "<id>" (<type>): <message>
  await eventually(() => {
    const lines = errors.lines.filter((l) => l.includes('Trigger registration failed') && l.includes(id))
    assert.equal(lines.length, 1, `expected one registration failure, got ${JSON.stringify(errors.lines)}`)
    assert.ok(
      lines[0].includes("Invalid cron expression '0 0 0 * * 0': day-of-week field '0': 0 is out of range 1-7"),
      lines[0],
    )
  }, 10_000, 100)
})
