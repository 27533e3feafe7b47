// Scenario 12: a second listener with RBAC, configured like the SDK's own test
// fixture (auth function, middleware, registration hooks, expose filters
// `test::ew::public::*`, `engine::functions::list` and metadata `ew_public: true`).
// The functions behind it are registered by a worker on the main listener.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  III_RBAC_URL,
  Workers,
  assertInvocationError,
  barrier,
  callEngine,
  eventually,
  rand,
  workersFor,
} from '../lib/compat.mjs'

const skip = III_RBAC_URL ? false : 'III_RBAC_URL is not set'
const authority = new Workers()
const authInputs = []
const hookInputs = []
const r = rand()
const publicEcho = `test::ew::public::echo-${r}`
const metaPublic = `test::ew::meta-${r}`
const privateFn = `test::ew::private-${r}`

before(async () => {
  if (skip) return
  const main = authority.create()
  main.registerFunction('test::rbac-worker::auth', async (input) => {
    authInputs.push(input)
    const token = input.headers?.['x-test-token']
    if (!token) return { context: { user_id: 'anonymous' } }
    if (token === 'valid-token') {
      return {
        allowed_functions: ['test::ew::valid-token-echo'],
        allow_trigger_type_registration: true,
        context: { role: 'admin', user_id: 'user-1' },
      }
    }
    if (token === 'restricted-token') {
      return { forbidden_functions: [publicEcho], context: { user_id: 'user-2' } }
    }
    throw new Error('invalid token')
  })
  main.registerFunction('test::rbac-worker::middleware', async (input) => {
    const payload = { ...input.payload, _intercepted: true, _caller: input.context.user_id }
    return main.trigger({ function_id: input.function_id, payload })
  })
  main.registerFunction('test::rbac-worker::on-function-reg', async (input) => {
    hookInputs.push({ hook: 'function', ...input })
    return !input.function_id.startsWith('denied::')
  })
  main.registerFunction('test::rbac-worker::on-trigger-type-reg', async (input) => {
    hookInputs.push({ hook: 'trigger-type', ...input })
    return !input.trigger_type_id.startsWith('denied-tt::')
  })
  main.registerFunction('test::rbac-worker::on-trigger-reg', async (input) => {
    hookInputs.push({ hook: 'trigger', ...input })
    return !input.function_id.startsWith('denied-trig::')
  })
  main.registerFunction('test::ew::valid-token-echo', async (data) => ({ echoed: data, valid_token: true }))
  main.registerFunction(publicEcho, async (data) => ({ echoed: data }))
  main.registerFunction(metaPublic, async (data) => ({ meta_echoed: data }), { metadata: { ew_public: true } })
  main.registerFunction(privateFn, async () => ({ private: true }))
  await barrier(main)
})

after(() => authority.shutdownAll())

const rbacWorker = (workers, token) =>
  workers.create({ url: III_RBAC_URL, headers: token ? { 'x-test-token': token } : {} })

test('12a. auth sees the upgrade headers; middleware gets the session context', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const before = authInputs.length
  const client = rbacWorker(workers, 'valid-token')
  const result = await client.trigger({ function_id: 'test::ew::valid-token-echo', payload: { msg: 'hello' } })
  assert.equal(result.valid_token, true)
  assert.equal(result.echoed.msg, 'hello')
  assert.equal(result.echoed._intercepted, true)
  assert.equal(result.echoed._caller, 'user-1')
  assert.equal(authInputs.length, before + 1, 'one auth call per connection')
  assert.equal(authInputs[before].headers['x-test-token'], 'valid-token')
  assert.equal(typeof authInputs[before].ip_address, 'string')
})

test('12b. functions outside expose_functions are FORBIDDEN; filters by glob and metadata admit', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const client = rbacWorker(workers, 'valid-token')
  await assertInvocationError(client.trigger({ function_id: privateFn, payload: {} }), 'FORBIDDEN', (e) => {
    assert.ok(e.message.includes(privateFn), e.message)
    assert.ok(e.message.includes('expose_functions'), e.message)
  })
  assert.deepEqual((await client.trigger({ function_id: publicEcho, payload: { a: 1 } })).echoed.a, 1)
  assert.equal((await client.trigger({ function_id: metaPublic, payload: { b: 2 } })).meta_echoed.b, 2)
  const listed = await callEngine(client, 'engine::functions::list', {})
  const ids = listed.functions.map((f) => f.function_id)
  assert.ok(ids.includes(publicEcho) && ids.includes(metaPublic), JSON.stringify(ids))
  assert.ok(!ids.includes(privateFn), 'private functions are hidden from listings')
})

test('12c. forbidden_functions wins over expose_functions', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const client = rbacWorker(workers, 'restricted-token')
  await assertInvocationError(client.trigger({ function_id: publicEcho, payload: {} }), 'FORBIDDEN', (e) =>
    assert.ok(e.message.includes('forbidden_functions'), e.message),
  )
})

test('12d. a throwing auth function refuses the connection', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const before = authInputs.length
  const client = rbacWorker(workers, 'stolen-token')
  await eventually(() => assert.ok(authInputs.length > before, 'auth was not asked'))
  await assert.rejects(client.trigger({ function_id: publicEcho, payload: {}, timeoutMs: 1500 }))
})

test('12e. registration hooks deny functions, trigger types and triggers', { skip, timeout: 30_000 }, async (t) => {
  const workers = workersFor(t)
  const client = rbacWorker(workers, 'valid-token')
  client.registerFunction('denied::blocked-fn', async () => ({ should: 'not reach' }))
  client.registerTriggerType({ id: `denied-tt::${r}`, description: 'Should be denied' }, {
    async registerTrigger() {},
    async unregisterTrigger() {},
  })
  client.registerTrigger({ type: 'subscribe', function_id: `denied-trig::${r}`, config: { topic: `t-${r}` } })
  await eventually(() => {
    assert.ok(hookInputs.some((h) => h.hook === 'function' && h.function_id === 'denied::blocked-fn'))
    assert.ok(hookInputs.some((h) => h.hook === 'trigger-type' && h.trigger_type_id === `denied-tt::${r}`))
    assert.ok(hookInputs.some((h) => h.hook === 'trigger' && h.function_id === `denied-trig::${r}`))
  })
  const typeHook = hookInputs.find((h) => h.hook === 'trigger-type' && h.trigger_type_id === `denied-tt::${r}`)
  assert.equal(typeHook.description, 'Should be denied')
  assert.equal(typeHook.context.user_id, 'user-1')
  await barrier(client)
  const main = workersFor(t).create()
  await assertInvocationError(main.trigger({ function_id: 'denied::blocked-fn', payload: {} }), 'function_not_found')
  const types = (await callEngine(main, 'engine::triggers::list', {})).triggers.map((x) => x.id)
  assert.ok(!types.includes(`denied-tt::${r}`))
  const live = (await callEngine(main, 'engine::registered-triggers::list', {})).registered_triggers
  assert.ok(!live.some((x) => x.function_id === `denied-trig::${r}`))
})
