// Scenario 14: HTTP-invoked functions. A Node worker registers a function whose
// handler is an HTTP endpoint (the suite's own loopback server); another worker
// calls it through the engine. The gateway signs with HMAC using the secret it
// reads from its configuration variable COMPAT_HMAC_SECRET ("compat-secret").

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import { test } from 'node:test'
import { assertInvocationError, barrier, eventually, rand, workersFor } from '../lib/compat.mjs'

// The gateway must allow loopback http endpoints and know COMPAT_HMAC_SECRET (the Java runner and
// bin/e2e configure it so and set III_HTTP_FUNCTIONS=1).
const skip = process.env.III_HTTP_FUNCTIONS === '1' ? false : 'III_HTTP_FUNCTIONS is not set'

async function endpoint(t, respond) {
  const seen = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      seen.push({ method: req.method, url: req.url, headers: req.headers, body })
      respond(req, body, res)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${server.address().port}`, seen }
}

test('14a. an HTTP-invoked function is called with the payload, headers and HMAC signature', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const { url, seen } = await endpoint(t, (req, body, res) => {
    const expected = `sha256=${createHmac('sha256', 'compat-secret')
      .update(`${req.headers['x-iii-timestamp']}:${body.toString('base64')}`)
      .digest('hex')}`
    const ok = req.headers['x-iii-signature'] === expected
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
    res.end(JSON.stringify(ok ? { received: JSON.parse(body.toString()), method: req.method } : { error: { code: 'bad_signature', message: 'signature mismatch' } }))
  })
  const fnId = `compat::node::webhook-${rand()}`
  const owner = workers.create()
  owner.registerFunction(fnId, {
    url: `${url}/hook`,
    method: 'PUT',
    timeout_ms: 5000,
    headers: { 'X-Custom-Header': 'test-value' },
    auth: { type: 'hmac', secret_key: 'COMPAT_HMAC_SECRET' },
  })
  await barrier(owner)

  const caller = workers.create()
  const result = await caller.trigger({ function_id: fnId, payload: { order: 7, note: 'ünïcødé' } })
  assert.equal(result.method, 'PUT')
  assert.equal(result.received.order, 7)
  assert.equal(result.received.note, 'ünïcødé')
  assert.equal(seen.length, 1)
  assert.equal(seen[0].headers['x-custom-header'], 'test-value')
  assert.equal(seen[0].headers['x-iii-function-path'], fnId)
  assert.equal(seen[0].headers['content-type'], 'application/json')
})

test('14b. endpoint errors map to the spec codes, and unregister removes the function', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const { url } = await endpoint(t, (req, _body, res) => {
    if (req.url === '/coded') {
      res.writeHead(409, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'conflict', message: 'already exists' } }))
    } else {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('down')
    }
  })
  const r = rand()
  const owner = workers.create()
  const coded = owner.registerFunction(`compat::node::coded-${r}`, { url: `${url}/coded` })
  owner.registerFunction(`compat::node::down-${r}`, { url: `${url}/down` })
  await barrier(owner)
  const caller = workers.create()
  await assertInvocationError(caller.trigger({ function_id: `compat::node::coded-${r}`, payload: {} }), 'conflict', (e) =>
    assert.ok(e.message.includes('already exists'), e.message),
  )
  await assertInvocationError(caller.trigger({ function_id: `compat::node::down-${r}`, payload: {} }), 'http_error', (e) =>
    assert.ok(e.message.includes('HTTP 503 Service Unavailable'), e.message),
  )
  coded.unregister()
  await barrier(owner)
  await assertInvocationError(caller.trigger({ function_id: `compat::node::coded-${r}`, payload: {} }), 'function_not_found')
})

test('14c. an HTTP-invoked function bound to a state trigger receives the change event', {
  skip: skip || (process.env.III_STATE === '1' ? false : 'III_STATE is not set'),
  timeout: 30_000,
}, async (t) => {
  const workers = workersFor(t)
  const { url, seen } = await endpoint(t, (_req, _body, res) => {
    res.writeHead(204)
    res.end()
  })
  const r = rand()
  const scope = `compat-http-${r}`
  const fnId = `compat::node::state-hook-${r}`
  const owner = workers.create()
  owner.registerFunction(fnId, { url: `${url}/state-event` })
  owner.registerTrigger({ type: 'state', function_id: fnId, config: { scope } })
  await barrier(owner)
  await owner.trigger({ function_id: 'state::set', payload: { scope, key: 'k', value: { n: 1 } } })
  await eventually(() => assert.equal(seen.length, 1, 'the endpoint did not receive the state event'), 10_000)
  const event = JSON.parse(seen[0].body.toString())
  assert.equal(event.scope, scope)
  assert.equal(event.key, 'k')
  assert.deepEqual(event.new_value, { n: 1 })
  assert.equal(seen[0].headers['x-iii-function-path'], fnId)
})
