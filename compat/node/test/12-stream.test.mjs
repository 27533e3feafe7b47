// Scenario 17: the stream worker (stream::* functions, the `stream`, `stream:join` and
// `stream:leave` trigger types, the client WebSocket), served by the Java stream-service on
// PostgreSQL through the gateway.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createStream } from 'iii-sdk/helpers'
import { callEngine, eventually, rand, sleep, stripCaller, workersFor } from '../lib/compat.mjs'

const skip = process.env.III_STREAM === '1' ? false : 'III_STREAM is not set (no stream service running)'
const STREAM_URL = (process.env.III_STREAM_URL || 'ws://127.0.0.1:3112/').replace(/\/?$/, '/')

// The client tests speak WebSocket: Node's own (Node 22+), else the `ws` package that iii-sdk
// itself depends on.
let WebSocketImpl = globalThis.WebSocket
if (!WebSocketImpl) {
  try {
    WebSocketImpl = (await import('ws')).default
  } catch {
    WebSocketImpl = undefined
  }
}
const skipClient = skip || (WebSocketImpl ? false : 'no WebSocket client (Node 22+ or the ws package)')

/** Waits until the stream service has registered its functions with the gateway. */
async function streamReady(worker) {
  await eventually(() => callEngine(worker, 'stream::list_all', {}), 20_000, 200)
}

/** A stream client: collects the server's messages, sends join/leave. */
async function connectClient(t, url = STREAM_URL) {
  const socket = new WebSocketImpl(url)
  const messages = []
  const waiters = []
  let closed
  const closedPromise = new Promise((resolve) => {
    closed = resolve
  })
  socket.addEventListener('message', (event) => {
    messages.push(JSON.parse(typeof event.data === 'string' ? event.data : event.data.toString()))
    while (waiters.length > 0 && messages.length > 0) waiters.shift()(messages.shift())
  })
  socket.addEventListener('close', (event) => closed(event.code))
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve)
    socket.addEventListener('error', reject)
  })
  t.after(() => socket.close())
  const send = (type, subscriptionId, streamName, groupId, id) =>
    socket.send(JSON.stringify({ type, data: { subscriptionId, streamName, groupId, ...(id === undefined ? {} : { id }) } }))
  return {
    join: (...args) => send('join', ...args),
    leave: (...args) => send('leave', ...args),
    close: () => socket.close(),
    closed: closedPromise,
    /** The next message (waits up to 10 s). */
    next: () =>
      messages.length > 0
        ? Promise.resolve(messages.shift())
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no stream message within 10 s')), 10_000)
            waiters.push((m) => {
              clearTimeout(timer)
              resolve(m)
            })
          }),
    pending: () => messages.length,
  }
}

/**
 * Waits until the stream service's change feed has passed everything committed so far: a client
 * watching a marker group sees a marker sent now (the feed delivers in commit order). A client that
 * joins afterwards then does not also receive those earlier changes as events right after its sync
 * (which the protocol allows for changes committed just before the snapshot).
 */
async function settled(t, worker) {
  const marker = `compat-marker-${rand()}`
  const barrier = await connectClient(t)
  barrier.join('m', marker, 'g')
  await barrier.next()
  await callEngine(worker, 'stream::send', { stream_name: marker, group_id: 'g', type: 'm', data: 0 })
  await barrier.next()
  barrier.close()
}

test('17a. set, get, update, list, list_groups, list_all, send and delete', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await streamReady(w)
  const stream_name = `compat-stream-${rand()}`
  const at = (group_id, item_id) => ({ stream_name, group_id, item_id })

  assert.deepEqual(await callEngine(w, 'stream::set', { ...at('g', 'a'), data: { n: 1 } }), { old_value: null, new_value: { n: 1 } })
  assert.deepEqual(await callEngine(w, 'stream::set', { ...at('g', 'a'), data: { n: 2 } }), { old_value: { n: 1 }, new_value: { n: 2 } })
  assert.deepEqual(await callEngine(w, 'stream::get', at('g', 'a')), { n: 2 })
  assert.strictEqual(await callEngine(w, 'stream::get', at('g', 'missing')), undefined, 'a missing item resolves undefined')
  await callEngine(w, 'stream::set', { ...at('g', 'nothing'), data: null })
  assert.strictEqual(await callEngine(w, 'stream::get', at('g', 'nothing')), null, 'a stored null resolves null')
  await callEngine(w, 'stream::delete', at('g', 'nothing'))

  const updated = await callEngine(w, 'stream::update', {
    ...at('g', 'a'),
    ops: [
      { type: 'increment', path: 'n', by: 40 },
      { type: 'append', path: 'chunks', value: 'hello' },
      { type: 'merge', path: ['deep'], value: { ok: true } },
    ],
  })
  assert.deepEqual(updated, { old_value: { n: 2 }, new_value: { n: 42, chunks: 'hello', deep: { ok: true } } })
  assert.equal('errors' in updated, false, 'errors is omitted when empty')
  const failed = await callEngine(w, 'stream::update', { ...at('g', 'a'), ops: [{ type: 'decrement', path: 'chunks', by: 1 }] })
  assert.equal(failed.errors[0].code, 'decrement.not_number')
  assert.equal(failed.errors[0].op_index, 0)

  await callEngine(w, 'stream::set', { ...at('g', 'b'), data: 'second' })
  await callEngine(w, 'stream::set', { ...at('h', 'c'), data: true })
  assert.deepEqual(await callEngine(w, 'stream::list', { stream_name, group_id: 'g' }), [{ n: 42, chunks: 'hello', deep: { ok: true } }, 'second'])
  assert.deepEqual(await callEngine(w, 'stream::list_groups', { stream_name }), ['g', 'h'], 'list_groups is an array of strings')
  const all = await callEngine(w, 'stream::list_all', {})
  assert.equal(all.count, all.stream.length)
  assert.deepEqual(all.stream.find((s) => s.id === stream_name), { id: stream_name, groups: ['g', 'h'] })

  // An explicit null, as the reference answers (not undefined).
  assert.strictEqual(await callEngine(w, 'stream::send', { stream_name, group_id: 'g', type: 'ping', data: {} }), null)

  assert.deepEqual(await callEngine(w, 'stream::delete', at('g', 'b')), { old_value: 'second' })
  assert.deepEqual(await callEngine(w, 'stream::delete', at('g', 'b')), { old_value: null })
  assert.equal(await callEngine(w, 'stream::get', at('g', 'b')), undefined)
})

test('17b. bad input answers deserialization_error naming the field', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await streamReady(w)
  await assert.rejects(callEngine(w, 'stream::set', { stream_name: 's', group_id: 'g', item_id: 'i' }), (err) => {
    assert.equal(err.code, 'deserialization_error')
    assert.equal(err.message, 'deserialization_error: Failed to deserialize input for stream::set: missing field `data`')
    return true
  })
  await assert.rejects(callEngine(w, 'stream::list', { group_id: 'g' }), (err) => {
    assert.equal(err.code, 'deserialization_error')
    assert.match(err.message, /missing field `stream_name`/)
    return true
  })
})

test('17c. a stream trigger receives create, update, delete and custom events with its metadata', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await streamReady(w)
  const stream_name = `compat-stream-trigger-${rand()}`
  const fn = `compat::node::on-stream-${rand()}`
  const condition = `compat::node::stream-condition-${rand()}`
  const events = []
  const metadata = []
  w.registerFunction(fn, async (event, meta) => {
    events.push(stripCaller(event))
    metadata.push(meta)
  })
  // Skips the item `skip-me`.
  w.registerFunction(condition, async (event) => event.id !== 'skip-me')
  w.registerTrigger({
    type: 'stream',
    function_id: fn,
    config: { stream_name, group_id: 'g', condition_function_id: condition },
    metadata: { from: 'compat' },
  })

  // The binding reaches the stream service asynchronously: write until the first event arrives.
  await eventually(async () => {
    await callEngine(w, 'stream::set', { stream_name, group_id: 'g', item_id: 'probe', data: 0 })
    assert.ok(events.length > 0, 'no stream event yet')
  }, 15_000, 300)
  await sleep(300)
  events.length = 0
  metadata.length = 0

  await callEngine(w, 'stream::set', { stream_name, group_id: 'g', item_id: 'k', data: 1 })
  await callEngine(w, 'stream::set', { stream_name, group_id: 'g', item_id: 'skip-me', data: 1 })
  await callEngine(w, 'stream::set', { stream_name, group_id: 'other', item_id: 'k', data: 1 })
  await callEngine(w, 'stream::update', { stream_name, group_id: 'g', item_id: 'k', ops: [{ type: 'increment', path: '', by: 1 }] })
  await callEngine(w, 'stream::delete', { stream_name, group_id: 'g', item_id: 'k' })
  await callEngine(w, 'stream::send', { stream_name, group_id: 'g', type: 'typing', data: { who: 'ada' } })
  await eventually(() => assert.equal(events.length, 4))
  await sleep(300)
  assert.equal(events.length, 4, `unexpected events: ${JSON.stringify(events)}`)
  for (const e of events) {
    assert.equal(e.type, 'stream')
    assert.equal(typeof e.timestamp, 'number')
    assert.equal(e.streamName, stream_name)
    assert.equal(e.groupId, 'g')
  }
  // The events of one item arrive in commit order; the group-wide send has its own order.
  assert.deepEqual(events.filter((e) => e.id === 'k').map((e) => e.event), [
    { type: 'create', data: 1 },
    { type: 'update', data: 2 },
    { type: 'delete', data: 2 },
  ])
  assert.deepEqual(events.filter((e) => e.id === null).map((e) => e.event), [
    { type: 'event', event: { type: 'typing', data: { who: 'ada' } } },
  ])
  assert.ok(metadata.every((m) => m && m.from === 'compat'), `trigger metadata not delivered: ${JSON.stringify(metadata)}`)
})

test('17d. custom storage registered with createStream replaces the built-in store', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const w = workers.create()
  await streamReady(w)
  const stream_name = `compat-custom-${rand()}`
  const store = new Map()
  const key = (input) => `${input.group_id}::${input.item_id}`
  createStream(w, stream_name, {
    get: async (input) => store.get(key(input)) ?? null,
    set: async (input) => {
      const old_value = store.get(key(input)) ?? null
      store.set(key(input), input.data)
      return { old_value, new_value: input.data }
    },
    delete: async (input) => {
      const old_value = store.get(key(input)) ?? null
      store.delete(key(input))
      return { old_value }
    },
    list: async (input) => [...store.entries()].filter(([k]) => k.startsWith(`${input.group_id}::`)).map(([, v]) => v),
    listGroups: async () => [...new Set([...store.keys()].map((k) => k.split('::')[0]))],
    update: async () => null,
  })
  const at = { stream_name, group_id: 'g', item_id: 'i' }
  await eventually(async () => {
    await callEngine(w, 'stream::set', { ...at, data: { v: 1 } })
    assert.deepEqual(store.get('g::i'), { v: 1 })
  }, 10_000, 200)
  assert.deepEqual(await callEngine(w, 'stream::get', at), { v: 1 })
  assert.deepEqual(await callEngine(w, 'stream::list', { stream_name, group_id: 'g' }), [{ v: 1 }])
  assert.deepEqual(await callEngine(w, 'stream::list_groups', { stream_name }), ['g'])
  assert.deepEqual(await callEngine(w, 'stream::delete', at), { old_value: { v: 1 } })
  assert.equal(store.size, 0)
  assert.equal(await callEngine(w, 'stream::get', at), undefined, 'a custom get answering null resolves undefined (the wire drops a null result)')
})

test('17e. a WebSocket client gets the sync of its group, then live events', { skip: skipClient, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await streamReady(w)
  const stream_name = `compat-ws-${rand()}`
  await callEngine(w, 'stream::set', { stream_name, group_id: 'room', item_id: 'a', data: { text: 'hi' } })
  await settled(t, w)

  const client = await connectClient(t)
  client.join('sub-1', stream_name, 'room')
  const sync = await client.next()
  assert.equal(sync.type, 'stream')
  assert.equal(typeof sync.timestamp, 'number')
  assert.deepEqual({ ...sync, timestamp: 0 }, {
    type: 'stream', timestamp: 0, streamName: stream_name, groupId: 'room', id: null,
    event: { type: 'sync', data: [{ text: 'hi' }] },
  })

  await callEngine(w, 'stream::set', { stream_name, group_id: 'room', item_id: 'b', data: { text: 'yo' } })
  await callEngine(w, 'stream::set', { stream_name, group_id: 'elsewhere', item_id: 'b', data: 0 })
  await callEngine(w, 'stream::send', { stream_name, group_id: 'room', id: 'a', type: 'reaction', data: '+1' })
  const created = await client.next()
  assert.equal(created.id, 'b')
  assert.deepEqual(created.event, { type: 'create', data: { text: 'yo' } })
  const custom = await client.next()
  assert.equal(custom.id, 'a')
  assert.deepEqual(custom.event, { type: 'event', event: { type: 'reaction', data: '+1' } })

  // An item subscription on a second client.
  const other = await connectClient(t)
  other.join('sub-2', stream_name, 'room', 'a')
  assert.deepEqual((await other.next()).event, { type: 'sync', data: { text: 'hi' } })
  await callEngine(w, 'stream::update', { stream_name, group_id: 'room', item_id: 'a', ops: [{ type: 'set', path: 'text', value: 'edited' }] })
  assert.deepEqual((await other.next()).event, { type: 'update', data: { text: 'edited' } })
  assert.deepEqual((await client.next()).event, { type: 'update', data: { text: 'edited' } })
  await sleep(200)
  assert.equal(client.pending() + other.pending(), 0)
})

test('17f. a join trigger can refuse a subscription; leave triggers run when the client goes', { skip: skipClient, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  await streamReady(w)
  const stream_name = `compat-guarded-${rand()}`
  const joins = []
  const leaves = []
  const join = `compat::node::stream-join-${rand()}`
  const leave = `compat::node::stream-leave-${rand()}`
  w.registerFunction(join, async (event, meta) => {
    if (event.stream_name !== stream_name) return { unauthorized: false }
    joins.push({ event: stripCaller(event), meta })
    return { unauthorized: event.group_id === 'private' }
  })
  w.registerFunction(leave, async (event) => {
    if (event.stream_name === stream_name) leaves.push(stripCaller(event))
  })
  w.registerTrigger({ type: 'stream:join', function_id: join, config: {}, metadata: { guard: true } })
  w.registerTrigger({ type: 'stream:leave', function_id: leave, config: {} })

  // The bindings reach the stream service asynchronously: join until the guard answers.
  let client
  await eventually(async () => {
    client = await connectClient(t)
    client.join('probe', stream_name, 'private')
    const answer = await client.next()
    assert.deepEqual(answer.event, { type: 'unauthorized' }, 'the join trigger is not bound yet')
  }, 15_000, 300)
  assert.equal(joins.at(-1).event.subscription_id, 'probe')
  assert.deepEqual(joins.at(-1).meta, { guard: true })

  client.join('open-1', stream_name, 'public', 'x')
  assert.deepEqual((await client.next()).event, { type: 'sync', data: null })
  assert.deepEqual(joins.at(-1).event, {
    subscription_id: 'open-1', stream_name, group_id: 'public', id: 'x', context: null,
  })
  await callEngine(w, 'stream::set', { stream_name, group_id: 'private', item_id: 'x', data: 1 })
  await callEngine(w, 'stream::set', { stream_name, group_id: 'public', item_id: 'x', data: 2 })
  assert.deepEqual((await client.next()).event, { type: 'create', data: 2 }, 'the refused group sent nothing')

  client.close()
  await client.closed
  await eventually(() => assert.ok(leaves.some((l) => l.subscription_id === 'open-1'), 'no leave for open-1'))
  assert.deepEqual(leaves.find((l) => l.subscription_id === 'open-1'), {
    subscription_id: 'open-1', stream_name, group_id: 'public', id: 'x', context: null,
  })
})
