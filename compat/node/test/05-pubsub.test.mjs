// Scenario 9: the in-engine pub/sub worker (`publish` function, `subscribe`
// trigger type).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertInvocationError, barrier, eventually, rand, sleep, workersFor } from '../lib/compat.mjs'

const publish = (worker, topic, data) => worker.trigger({ function_id: 'publish', payload: { topic, data } })

test('9a. a subscribe trigger receives the raw data of publish', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const topic = `compat.topic.${r}`
  const otherTopic = `compat.topic.other.${r}`
  const fnId = `compat::node::subscriber-${r}`
  const received = []

  const subscriber = workers.create()
  subscriber.registerFunction(fnId, async (data) => {
    received.push(data)
  })
  subscriber.registerTrigger({ type: 'subscribe', function_id: fnId, config: { topic } })
  await barrier(subscriber)

  const publisher = workers.create()
  const data = { message: 'Hello PubSub! 👋', n: 1, list: [1.5, null, true], nested: { k: 'v' } }
  assert.equal(await publish(publisher, otherTopic, { wrong: 'topic' }), undefined)
  assert.equal(await publish(publisher, topic, data), undefined, 'publish succeeds without a result')

  await eventually(() => assert.equal(received.length, 1, 'subscriber has not received the message'))
  assert.deepEqual(received[0], data, 'the handler payload is the raw data, no envelope')

  // Non-object data is delivered as-is too.
  await publish(publisher, topic, 'just a string')
  await eventually(() => assert.equal(received.length, 2))
  assert.equal(received[1], 'just a string')

  await sleep(200)
  assert.equal(received.length, 2, 'other topics and duplicates must not be delivered')
})

test('9b. two subscriptions on one topic both receive; unsubscribing one keeps the other', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const topic = `compat.topic.shared.${r}`
  const fn1 = `compat::node::sub-one-${r}`
  const fn2 = `compat::node::sub-two-${r}`
  const got1 = []
  const got2 = []

  const subscriber = workers.create()
  subscriber.registerFunction(fn1, async (data) => {
    got1.push(data)
  })
  subscriber.registerFunction(fn2, async (data) => {
    got2.push(data)
  })
  const sub1 = subscriber.registerTrigger({ type: 'subscribe', function_id: fn1, config: { topic } })
  subscriber.registerTrigger({ type: 'subscribe', function_id: fn2, config: { topic } })
  await barrier(subscriber)

  const publisher = workers.create()
  await publish(publisher, topic, { seq: 1 })
  await eventually(() => {
    assert.equal(got1.length, 1, 'first subscription did not receive')
    assert.equal(got2.length, 1, 'second subscription did not receive')
  })
  assert.deepEqual(got1[0], { seq: 1 })
  assert.deepEqual(got2[0], { seq: 1 })

  // Unsubscribe the first one only.
  sub1.unregister()
  await barrier(subscriber)

  await publish(publisher, topic, { seq: 2 })
  await eventually(() => assert.equal(got2.length, 2, 'remaining subscription stopped receiving after the other unsubscribed'))
  assert.deepEqual(got2[1], { seq: 2 })
  await sleep(300)
  assert.equal(got1.length, 1, 'unsubscribed trigger must not receive any more messages')
  assert.equal(got2.length, 2, 'each publish is delivered once per subscription')
})

test('9c. publish with an empty topic fails with topic_not_set', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const publisher = workers.create()
  await assertInvocationError(
    publisher.trigger({ function_id: 'publish', payload: { topic: '', data: { x: 1 } } }),
    'topic_not_set',
  )
})
