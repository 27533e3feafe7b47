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
