// Scenario 14: the queue service (Kafka) through the official client:
// TriggerAction.Enqueue, durable topics (iii::durable::publish with
// durable:subscriber triggers) and the dead-letter listing.
// Runs only when the Java runner started a queue service (III_QUEUE=1).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TriggerAction } from 'iii-sdk'
import { barrier, callEngine, eventually, rand, stripCaller, workersFor } from '../lib/compat.mjs'

const skip = process.env.III_QUEUE === '1' ? false : 'III_QUEUE is not set (no queue service)'
const DLQ_QUEUE = process.env.III_QUEUE_DLQ || 'compat-dlq'
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

test('14a. Enqueue answers a messageReceiptId and the handler gets the payload', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const fnId = `compat::node::queued-${rand()}`
  const received = []
  const consumer = workers.create()
  consumer.registerFunction(fnId, async (data) => {
    received.push(stripCaller(data))
    return { ignored: true }
  })
  await barrier(consumer)

  const producer = workers.create()
  const payload = { order: `o-${rand()}`, amount: 12.5, items: [1, 2, 3] }
  const result = await producer.trigger({
    function_id: fnId,
    payload,
    action: TriggerAction.Enqueue({ queue: 'default' }),
  })
  assert.ok(result && UUID_RE.test(result.messageReceiptId), `receipt: ${JSON.stringify(result)}`)
  await eventually(() => assert.equal(received.length, 1, 'the queued handler has not run'), 15_000)
  assert.deepEqual(received[0], payload)
})

test('14b. Enqueue to an undeclared queue fails with enqueue_error naming the declared queues', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const producer = workers.create()
  await assert.rejects(
    producer.trigger({ function_id: 'compat::node::nobody', payload: {}, action: TriggerAction.Enqueue({ queue: `nope-${rand()}` }) }),
    (err) => {
      assert.equal(err.code, 'enqueue_error')
      assert.match(err.message, /queue_not_found/)
      assert.match(err.message, /declared queues: .*default/)
      return true
    },
  )
})

test('14c. durable publish reaches both subscribed functions', { skip, timeout: 40_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const topic = `compat.durable.${r}`
  const fn1 = `compat::node::durable-one-${r}`
  const fn2 = `compat::node::durable-two-${r}`
  const got1 = []
  const got2 = []
  const subscriber = workers.create()
  subscriber.registerFunction(fn1, async (data) => {
    got1.push(stripCaller(data))
  })
  subscriber.registerFunction(fn2, async (data) => {
    got2.push(stripCaller(data))
  })
  subscriber.registerTrigger({ type: 'durable:subscriber', function_id: fn1, config: { topic } })
  subscriber.registerTrigger({ type: 'durable:subscriber', function_id: fn2, config: { topic } })
  await barrier(subscriber)
  await eventually(async () => {
    const topics = await callEngine(subscriber, 'engine::queue::list_topics', {})
    const entry = topics.find((e) => e.name === topic)
    assert.ok(entry, `topic ${topic} not listed yet`)
    assert.equal(entry.subscriber_count, 2)
  }, 15_000, 100)

  const publisher = workers.create()
  for (let seq = 0; seq < 3; seq++) {
    const res = await publisher.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { seq } } })
    assert.equal(res, undefined, 'publish has no result')
  }
  await eventually(() => {
    assert.equal(got1.length, 3, 'first subscriber')
    assert.equal(got2.length, 3, 'second subscriber')
  }, 15_000)
  assert.deepEqual(got1.map((d) => d.seq).sort(), [0, 1, 2])
  assert.deepEqual(got2.map((d) => d.seq).sort(), [0, 1, 2])
})

test('14d. a dead-lettered message is listed by engine::queue::dlq_messages', { skip, timeout: 40_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const fnId = `compat::node::always-fails-${r}`
  const consumer = workers.create()
  consumer.registerFunction(fnId, async () => {
    throw new Error(`boom ${r}`)
  })
  await barrier(consumer)

  const payload = { marker: r }
  const { messageReceiptId } = await consumer.trigger({
    function_id: fnId,
    payload,
    action: TriggerAction.Enqueue({ queue: DLQ_QUEUE }),
  })
  assert.ok(UUID_RE.test(messageReceiptId))

  const entry = await eventually(async () => {
    const list = await callEngine(consumer, 'engine::queue::dlq_messages', { topic: DLQ_QUEUE, limit: 100 })
    assert.ok(Array.isArray(list), `dlq_messages returned ${JSON.stringify(list)}`)
    const found = list.find((e) => e.payload && e.payload.marker === r)
    assert.ok(found, 'the failed message is not in the dead letters yet')
    return found
  }, 20_000, 200)
  assert.deepEqual(entry.payload, payload)
  assert.equal(entry.retries, 1)
  assert.match(entry.error, new RegExp(`invocation_failed: .*boom ${r}`))
  assert.ok(UUID_RE.test(entry.id) && entry.id !== messageReceiptId, 'the DLQ id is the job id, not the receipt')
  assert.ok(Number.isInteger(entry.failed_at) && entry.failed_at <= Date.now() / 1000 + 1, 'failed_at in unix seconds')
  assert.ok(entry.size_bytes > 0)

  const discarded = await callEngine(consumer, 'iii::queue::discard_message', { queue: DLQ_QUEUE, message_id: entry.id })
  assert.deepEqual(discarded, { queue: DLQ_QUEUE, message_id: entry.id, redriven: 1 })
})
