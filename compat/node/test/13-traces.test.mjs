// Scenario 18: one request is one trace across every service. An HTTP request with a caller's
// `traceparent` reaches a Node handler (http-service), which enqueues (queue-service), whose
// Node queue handler calls state::set (state-service), whose `state` trigger runs a Node handler;
// engine::traces::tree then holds one trace with the caller's trace id: the engine's span of every
// call and the Node SDK's `execute` span of every handler, each the child of the hop before it.
// Scenario 19: what a Node `Logger` wrote inside a handler is listed by engine::logs::list with
// that handler's trace and span ids.
//
// Runs only when the Java runner started the observability, http, queue and state services. This
// file's worker has OpenTelemetry on (the SDK's /otel socket sends its spans and logs to the
// gateway); node --test runs each file in its own process, so its OTel globals are this file's.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { registerWorker, TriggerAction } from 'iii-sdk'
import { Logger } from '@iii-dev/helpers/observability'
import { III_URL, INVOCATION_TIMEOUT_MS, RECONNECTION, callEngine, eventually, rand } from '../lib/compat.mjs'

const HTTP_URL = (process.env.III_HTTP_URL || '').replace(/\/+$/, '')
const skip =
  process.env.III_OBSERVABILITY === '1' && HTTP_URL && process.env.III_QUEUE === '1' && process.env.III_STATE === '1'
    ? false
    : 'III_OBSERVABILITY, III_HTTP_URL, III_QUEUE and III_STATE are not all set'

/** Every span of a tree, depth first, each with its parent's span id as the tree has it. */
function flatten(nodes, parent = null, out = []) {
  for (const node of nodes) {
    out.push({ ...node, tree_parent: parent })
    flatten(node.children || [], node.span_id, out)
  }
  return out
}

test('18. HTTP -> handler -> enqueue -> queue handler -> state::set -> state trigger is one trace', { skip, timeout: 60_000 }, async (t) => {
  const w = registerWorker(III_URL, {
    workerName: `compat-traces-${rand()}`,
    invocationTimeoutMs: INVOCATION_TIMEOUT_MS,
    enableMetricsReporting: false,
    reconnectionConfig: RECONNECTION,
    // fetch is not instrumented: the test's own request must carry the caller's traceparent as written.
    otel: {
      enabled: true,
      serviceName: 'compat-traces',
      metricsEnabled: false,
      fetchInstrumentationEnabled: false,
      spansFlushIntervalMs: 50,
      logsFlushIntervalMs: 50,
    },
  })
  t.after(() => w.shutdown())
  const r = rand()
  const scope = `compat-traces-${r}`
  const httpFn = `compat::traces::http-${r}`
  const queueFn = `compat::traces::queue-${r}`
  const stateFn = `compat::traces::state-${r}`
  const logger = new Logger()
  let resolveStateEvent
  const stateEvent = new Promise((resolve) => (resolveStateEvent = resolve))

  w.registerFunction(httpFn, async (req) => {
    logger.info(`order received ${r}`, { order: r })
    await w.trigger({ function_id: queueFn, payload: { order: req.body.order }, action: TriggerAction.Enqueue({ queue: 'default' }) })
    return { status_code: 202, body: { queued: true } }
  })
  w.registerFunction(queueFn, async (job) => {
    await w.trigger({ function_id: 'state::set', payload: { scope, key: job.order, value: { status: 'paid' } } })
    return null
  })
  w.registerFunction(stateFn, async (event) => {
    resolveStateEvent(event)
    return null
  })
  w.registerTrigger({ type: 'http', function_id: httpFn, config: { api_path: `compat/${r}/orders`, http_method: 'POST' } })
  w.registerTrigger({ type: 'state', function_id: stateFn, config: { scope } })

  const traceId = randomBytes(16).toString('hex')
  const callerSpanId = randomBytes(8).toString('hex')
  const res = await eventually(async () => {
    const res = await fetch(`${HTTP_URL}/compat/${r}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01` },
      body: JSON.stringify({ order: `o-${r}` }),
    })
    assert.notEqual(res.status, 404, 'route not registered yet')
    return res
  }, 10_000, 100)
  assert.equal(res.status, 202)
  const event = await stateEvent
  assert.equal(event.key, `o-${r}`)

  let diagnoseAt = Date.now() + 15_000
  const expected = [
    `call ${httpFn}`,
    `execute ${httpFn}`,
    'call engine::queue::enqueue',
    `call ${queueFn}`,
    `execute ${queueFn}`,
    'call state::set',
    `call ${stateFn}`,
    `execute ${stateFn}`,
  ]
  const spans = await eventually(async () => {
    if (Date.now() > diagnoseAt) {
      diagnoseAt = Infinity
      const recent = await callEngine(w, 'engine::traces::list', { limit: 30, include_internal: true, search_all_spans: true })
      console.log(`# recent spans: ${JSON.stringify(recent.spans.map((s) => [s.trace_id, s.name, s.parent_span_id]))}`)
    }
    const tree = await callEngine(w, 'engine::traces::tree', { trace_id: traceId })
    const spans = flatten(tree.roots)
    const names = spans.map((s) => s.name)
    for (const name of expected) assert.ok(names.includes(name), `no span ${name} in trace ${traceId}: ${JSON.stringify(names)}`)
    assert.equal(tree.roots.length, 1, `one root expected, got ${tree.roots.map((s) => s.name).join(', ')}`)
    return spans
  }, 20_000, 200)

  const byName = (name) => spans.find((s) => s.name === name)
  for (const s of spans) assert.equal(s.trace_id, traceId)
  // The root is the engine's span of the HTTP-triggered call, a child of the caller's span.
  const root = byName(`call ${httpFn}`)
  assert.equal(root.tree_parent, null)
  assert.equal(root.parent_span_id, callerSpanId)
  // Each hop is the child of the one before it.
  const chain = [
    [`execute ${httpFn}`, `call ${httpFn}`],
    ['call engine::queue::enqueue', `execute ${httpFn}`],
    [`call ${queueFn}`, 'call engine::queue::enqueue'],
    [`execute ${queueFn}`, `call ${queueFn}`],
    ['call state::set', `execute ${queueFn}`],
    [`call ${stateFn}`, 'call state::set'],
    [`execute ${stateFn}`, `call ${stateFn}`],
  ]
  for (const [child, parent] of chain) {
    assert.equal(byName(child).parent_span_id, byName(parent).span_id, `${child} is a child of ${parent}`)
  }
  // The Node SDK's spans carry its service name; the engine's the engine's.
  assert.equal(byName(`execute ${httpFn}`).service_name, 'compat-traces')
  assert.notEqual(root.service_name, 'compat-traces')

  await t.test('19. engine::logs::list returns what a Node Logger wrote, with its trace and span ids', async () => {
    const handlerSpan = byName(`execute ${httpFn}`)
    const log = await eventually(async () => {
      const { logs } = await callEngine(w, 'engine::logs::list', { trace_id: traceId })
      const log = logs.find((l) => l.body === `order received ${r}`)
      assert.ok(log, `no log in trace ${traceId}: ${JSON.stringify(logs)}`)
      return log
    }, 20_000, 200)
    assert.equal(log.trace_id, traceId)
    assert.equal(log.span_id, handlerSpan.span_id)
    assert.equal(log.severity_number, 9)
    assert.equal(log.service_name, 'compat-traces')
  })
})
