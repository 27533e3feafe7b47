// Scenario 15: the `http` trigger type, served by the Java http-service on its
// public API (III_HTTP_URL), handled by functions of this Node worker.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { captureConsoleError, eventually, rand, workersFor } from '../lib/compat.mjs'

const HTTP_URL = (process.env.III_HTTP_URL || '').replace(/\/+$/, '')
const skip = HTTP_URL ? false : 'III_HTTP_URL is not set (no http service running)'

/** Waits until `path` is routed (anything but the server's NOT_FOUND), then returns that response. */
async function routed(path, init = {}) {
  return eventually(async () => {
    const res = await fetch(`${HTTP_URL}${path}`, init)
    if (res.status === 404) {
      const body = await res.text()
      assert.ok(!body.includes('NOT_FOUND'), `${path} is not routed yet`)
      return { res, text: body }
    }
    return { res, text: await res.text() }
  }, 10_000, 100)
}

test('15a. POST with a JSON body: status, headers and body come back', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  const r = rand()
  const fn = w.registerFunction(`compat::http::create-${r}`, async (req) => ({
    status_code: 201,
    headers: { 'x-compat': 'node', 'Content-Type': 'application/json' },
    body: { received: req.body, method: req.method, path: req.path },
  }))
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/items`, http_method: 'POST' } })

  const { res, text } = await routed(`/compat/${r}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'widget', qty: 3 }),
  })
  assert.equal(res.status, 201)
  assert.equal(res.headers.get('x-compat'), 'node')
  assert.equal(res.headers.get('content-type'), 'application/json')
  assert.deepEqual(JSON.parse(text), {
    received: { name: 'widget', qty: 3 },
    method: 'POST',
    path: `compat/${r}/items`,
  })
})

test('15b. GET with :id and a query: path and query params reach the function', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  const r = rand()
  const fn = w.registerFunction(`compat::http::get-${r}`, async (req) => ({
    status_code: 200,
    headers: ['X-Item: ' + req.path_params.id, 'Set-Cookie: a=1', 'Set-Cookie: b=2'],
    body: { id: req.path_params.id, q: req.query_params.q, trigger: req.trigger },
  }))
  const trigger = w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `/compat/${r}/items/:id` } })

  const { res, text } = await routed(`/compat/${r}/items/abc123?q=hello+world`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('x-item'), 'abc123')
  assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2'])
  assert.deepEqual(JSON.parse(text), {
    id: 'abc123',
    q: 'hello world',
    trigger: { type: 'http', path: `/compat/${r}/items/:id`, method: 'GET' },
  })

  trigger.unregister()
  await eventually(async () => {
    const gone = await fetch(`${HTTP_URL}/compat/${r}/items/abc123`)
    assert.equal(gone.status, 404)
  }, 10_000, 100)
})

test('15c. a streamed response and the raw request body through channels', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  const r = rand()
  const fn = w.registerFunction(`compat::http::stream-${r}`, async (req) => {
    const raw = (await req.request_body.readAll()).toString('utf-8')
    req.response.sendMessage(JSON.stringify({ type: 'set_status', status_code: 202 }))
    req.response.sendMessage(JSON.stringify({ type: 'set_headers', headers: { 'content-type': 'text/plain' } }))
    req.response.stream.write(Buffer.from('raw='))
    req.response.stream.end(Buffer.from(raw))
  })
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/echo`, http_method: 'PUT' } })

  const { res, text } = await routed(`/compat/${r}/echo`, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv' },
    body: 'a,b\n1,2\n',
  })
  assert.equal(res.status, 202)
  assert.equal(res.headers.get('content-type'), 'text/plain')
  assert.equal(text, 'raw=a,b\n1,2\n')
})

test('15d. a conflicting route is refused with a message naming the existing route', { skip, timeout: 30_000 }, async (t) => {
  const errors = captureConsoleError(t)
  const w = workersFor(t).create()
  const r = rand()
  const a = w.registerFunction(`compat::http::conflict-a-${r}`, async () => ({ body: { first: true } }))
  const b = w.registerFunction(`compat::http::conflict-b-${r}`, async () => ({ body: { second: true } }))
  w.registerTrigger({ type: 'http', function_id: a.id, config: { api_path: `compat/${r}/:listId/:userId` } })
  await routed(`/compat/${r}/l/u`)
  w.registerTrigger({ type: 'http', function_id: b.id, config: { api_path: `compat/${r}/:userId/:listId` } })

  await eventually(() => {
    assert.ok(
      errors.lines.some(
        (l) =>
          l.includes('conflicts with already-registered route') &&
          l.includes(`GET compat/${r}/:listId/:userId`),
      ),
      `no conflict reported yet: ${JSON.stringify(errors.lines)}`,
    )
  }, 10_000, 100)
  const res = await fetch(`${HTTP_URL}/compat/${r}/l/u`)
  assert.deepEqual(await res.json(), { first: true })
})

test('15e. a Node throw is a 500 with the error code and no stack trace', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  const r = rand()
  const fn = w.registerFunction(`compat::http::throw-${r}`, async () => {
    throw new Error('node handler failed')
  })
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/throw` } })

  const { res, text } = await routed(`/compat/${r}/throw`)
  assert.equal(res.status, 500)
  const body = JSON.parse(text)
  assert.equal(body.error.code, 'invocation_failed')
  assert.match(body.error.message, /node handler failed/)
  assert.match(body.error.error_id, /^[0-9a-f]{1,12}$/)
  assert.equal(body.error.stacktrace, undefined)
})

// 15f-15i: what the official SDK's own api-triggers suite checks of bodies and streams (a binary
// file streamed down and up, a multipart upload, a form), in this suite's words. The file is a
// generated "PDF" of 3 MiB: a header and deterministic bytes, so no asset has to be kept.
function fakePdf(size) {
  const buf = Buffer.alloc(size)
  let x = 0x2545
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    buf[i] = x >>> 24
  }
  Buffer.from('%PDF-1.7\n').copy(buf, 0)
  return buf
}

async function readStream(stream) {
  const chunks = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks)
}

test('15f. a binary file streamed down through the response channel arrives byte for byte', { skip, timeout: 30_000 }, async (t) => {
  const { Readable } = await import('node:stream')
  const { pipeline } = await import('node:stream/promises')
  const pdf = fakePdf(3 * 1024 * 1024)
  const w = workersFor(t).create()
  const r = rand()
  const fn = w.registerFunction(`compat::http::pdf-down-${r}`, async (req) => {
    req.response.sendMessage(JSON.stringify({ type: 'set_status', status_code: 200 }))
    req.response.sendMessage(JSON.stringify({ type: 'set_headers', headers: { 'content-type': 'application/pdf' } }))
    const parts = []
    for (let at = 0; at < pdf.length; at += 100_000) parts.push(pdf.subarray(at, at + 100_000))
    await pipeline(Readable.from(parts), req.response.stream)
  })
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/pdf`, http_method: 'GET' } })

  await routed(`/compat/${r}/pdf`)
  const res = await fetch(`${HTTP_URL}/compat/${r}/pdf`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'application/pdf')
  const got = Buffer.from(await res.arrayBuffer())
  assert.equal(got.length, pdf.length)
  assert.ok(got.equals(pdf), 'the downloaded bytes equal the file')
})

test('15g. a binary upload reaches the handler byte for byte through request_body', { skip, timeout: 30_000 }, async (t) => {
  const pdf = fakePdf(3 * 1024 * 1024)
  const w = workersFor(t).create()
  const r = rand()
  let received = null
  const fn = w.registerFunction(`compat::http::pdf-up-${r}`, async (req) => {
    received = await readStream(req.request_body.stream)
    assert.equal(req.body, null)
    return { status_code: 200, body: { received_size: received.length } }
  })
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/upload`, http_method: 'POST' } })

  const { res, text } = await routed(`/compat/${r}/upload`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: pdf,
  })
  assert.equal(res.status, 200)
  assert.deepEqual(JSON.parse(text), { received_size: pdf.length })
  assert.ok(received.equals(pdf), 'the uploaded bytes equal the file')
})

test('15h. a multipart upload arrives whole, with its boundary, fields and file name', { skip, timeout: 30_000 }, async (t) => {
  const pdf = fakePdf(512 * 1024)
  const w = workersFor(t).create()
  const r = rand()
  let received = null
  const fn = w.registerFunction(`compat::http::multipart-${r}`, async (req) => {
    received = await readStream(req.request_body.stream)
    const boundary = /boundary=([^\s;]+)/.exec(req.headers['content-type'] || '')?.[1] || ''
    const text = received.toString('latin1')
    return {
      status_code: 200,
      body: {
        boundary: boundary.length > 0 && text.includes(`--${boundary}--`),
        title: text.includes('Test Document'),
        file_name: text.includes('filename="handbook.pdf"'),
        file: received.includes(pdf),
      },
    }
  })
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/multipart`, http_method: 'POST' } })

  // The multipart body as fetch would send it, kept to compare with what the handler read.
  const form = new FormData()
  form.append('title', 'Test Document')
  form.append('file', new Blob([pdf]), 'handbook.pdf')
  const encoded = new Request('http://localhost/', { method: 'POST', body: form })
  const contentType = encoded.headers.get('content-type')
  const sent = Buffer.from(await encoded.arrayBuffer())
  const { res, text } = await routed(`/compat/${r}/multipart`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: sent,
  })
  assert.equal(res.status, 200)
  assert.deepEqual(JSON.parse(text), { boundary: true, title: true, file_name: true, file: true })
  assert.ok(received.equals(sent), 'the handler read the multipart body byte for byte')
})

test('15i. a form body and a raw JSON body are readable from request_body', { skip, timeout: 30_000 }, async (t) => {
  const w = workersFor(t).create()
  const r = rand()
  const fn = w.registerFunction(`compat::http::bodies-${r}`, async (req) => {
    const raw = (await req.request_body.readAll()).toString('utf-8')
    return { status_code: 200, body: { parsed: req.body, raw } }
  })
  w.registerTrigger({ type: 'http', function_id: fn.id, config: { api_path: `compat/${r}/bodies`, http_method: 'POST' } })

  const form = new URLSearchParams({ name: 'John Doe', age: '30' }).toString()
  const first = await routed(`/compat/${r}/bodies`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  })
  assert.equal(first.res.status, 200)
  assert.deepEqual(JSON.parse(first.text), { parsed: null, raw: form })

  const json = '{"z":2, "a":1}'
  const res = await fetch(`${HTTP_URL}/compat/${r}/bodies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json,
  })
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { parsed: { z: 2, a: 1 }, raw: json })
})
