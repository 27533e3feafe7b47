// Scenario 13: streaming channels (`engine::channels::create`, `/ws/channels/{id}`)
// through the SDK's own ChannelWriter / ChannelReader.

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { createChannel } from 'iii-sdk/helpers'
import { WebSocket } from 'ws'
import { III_URL, rand, waitForFunctions, workersFor } from '../lib/compat.mjs'

const channelUrl = (ref, dir, key = ref.access_key) =>
  `${III_URL.replace(/\/$/, '')}/ws/channels/${ref.channel_id}?key=${encodeURIComponent(key)}&dir=${dir}`

/** Deterministic bytes, so both sides can hash what they expect. */
function pattern(size) {
  const out = Buffer.alloc(size)
  let x = 2463534242
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

test('13a. 10 MiB stream from one worker to another arrive intact', { timeout: 60_000 }, async (t) => {
  const workers = workersFor(t)
  const fnId = `compat::node::produce-${rand()}`
  const producer = workers.create()
  producer.registerFunction(fnId, async ({ writer, size }) => {
    const data = pattern(size)
    writer.sendMessage(JSON.stringify({ type: 'header', size }))
    await new Promise((resolve, reject) => {
      writer.stream.on('error', reject)
      writer.stream.end(data, resolve)
    })
    return { sha256: createHash('sha256').update(data).digest('hex') }
  })
  const consumer = workers.create()
  await waitForFunctions(consumer, [fnId])

  const channel = await createChannel(consumer)
  const messages = []
  channel.reader.onMessage((m) => messages.push(JSON.parse(m)))
  const received = channel.reader.readAll()
  const size = 10 * 1024 * 1024
  const produced = await consumer.trigger({ function_id: fnId, payload: { writer: channel.writerRef, size }, timeoutMs: 50_000 })
  const bytes = await received
  assert.equal(bytes.length, size)
  assert.equal(createHash('sha256').update(bytes).digest('hex'), produced.sha256)
  assert.deepEqual(messages, [{ type: 'header', size }])
})

test('13b. a wrong key or unknown channel is refused with 404', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const owner = workers.create()
  const channel = await createChannel(owner)
  const status = (url) =>
    new Promise((resolve) => {
      const ws = new WebSocket(url)
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode)
        ws.terminate()
      })
      ws.on('open', () => {
        resolve(101)
        ws.terminate()
      })
      ws.on('error', () => {})
    })
  assert.equal(await status(channelUrl(channel.readerRef, 'read', 'wrong-key')), 404)
  assert.equal(await status(channelUrl({ ...channel.readerRef, channel_id: 'no-such-channel' }, 'read')), 404)
  assert.equal(await status(channelUrl(channel.readerRef, 'read')), 101)
})

test('13c. when the creating worker disconnects, the other side is closed with 4001', { timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const owner = workers.create()
  const channel = await createChannel(owner)
  const reader = new WebSocket(channelUrl(channel.readerRef, 'read'))
  await new Promise((resolve, reject) => {
    reader.on('open', resolve)
    reader.on('error', reject)
  })
  const closed = new Promise((resolve) => reader.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await workers.shutdown(owner)
  const { code, reason } = await closed
  assert.equal(code, 4001)
  assert.equal(reason, 'channel owner disconnected')
})
