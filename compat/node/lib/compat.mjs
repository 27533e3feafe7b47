// Shared helpers for the iii-sdk@0.22.1 compatibility suite.
//
// Kept outside test/ on purpose: `node --test test/` treats every .mjs file
// below a `test` directory as a test file.

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { InvocationError, registerWorker } from 'iii-sdk'

export { sleep }

/** Gateway WebSocket URL (control socket, path `/`). */
export const III_URL = process.env.III_URL || 'ws://127.0.0.1:49134'

/** HTTP control endpoint of the Java test runner (optional). */
/** The gateway's RBAC listener (configured like the SDK's own test fixture), if any. */
export const III_RBAC_URL = process.env.III_RBAC_URL || undefined

export const III_CONTROL_URL = (process.env.III_CONTROL_URL || '').replace(/\/+$/, '') || undefined

/** True when the Java runner registered the compat::java::* functions. */
export const JAVA_WORKER = process.env.III_JAVA_WORKER === '1'

/** Short random suffix for unique function / trigger type ids. */
export const rand = () => randomUUID().replace(/-/g, '').slice(0, 10)

/** Reconnect quickly so that a gateway restart is survived within seconds. */
export const RECONNECTION = { initialDelayMs: 100, maxDelayMs: 500, maxRetries: -1 }

/** Client-side timeout for sync calls: a broken engine fails fast instead of after 30 s. */
export const INVOCATION_TIMEOUT_MS = 10_000

/**
 * Tracks the workers created by one test so they can all be shut down at the
 * end (`t.after(() => workers.shutdownAll())`).
 */
export class Workers {
  #all = []

  /**
   * Creates a worker with short reconnect settings. OpenTelemetry is disabled:
   * the SDK keeps its OTel state in module globals, so several workers with
   * OTel on in one process would leak the earlier /otel connections.
   */
  create(options = {}) {
    const { url = III_URL, ...rest } = options
    options = rest
    const worker = registerWorker(url, {
      workerName: `compat-node-${rand()}`,
      invocationTimeoutMs: INVOCATION_TIMEOUT_MS,
      enableMetricsReporting: false,
      otel: { enabled: false },
      ...options,
      reconnectionConfig: { ...RECONNECTION, ...options.reconnectionConfig },
    })
    this.#all.push(worker)
    return worker
  }

  /** Shuts one worker down (closes its WebSocket, rejects its pending calls). */
  async shutdown(worker) {
    const i = this.#all.indexOf(worker)
    if (i >= 0) this.#all.splice(i, 1)
    await worker.shutdown()
  }

  async shutdownAll() {
    const all = this.#all.splice(0)
    await Promise.allSettled(all.map((w) => w.shutdown()))
  }
}

/** Creates a Workers registry bound to a node:test context. */
export function workersFor(t) {
  const workers = new Workers()
  t.after(() => workers.shutdownAll())
  return workers
}

/**
 * Polls `fn` until it returns without throwing (typically it contains
 * assertions) and returns its value; rethrows the last failure after
 * `timeoutMs`.
 */
export async function eventually(fn, timeoutMs = 5000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (err) {
      if (Date.now() >= deadline) {
        if (err instanceof Error) {
          err.message = `eventually() gave up after ${timeoutMs} ms: ${err.message}`
          throw err
        }
        throw new Error(`eventually() gave up after ${timeoutMs} ms: ${String(err)}`)
      }
    }
    await sleep(intervalMs)
  }
}

/** Calls an engine function synchronously from `worker`. */
export function callEngine(worker, functionId, payload = {}, timeoutMs = 5000) {
  return worker.trigger({ function_id: functionId, payload, timeoutMs })
}

/**
 * Ordering barrier: the engine applies one connection's frames in arrival
 * order and the SDK sends registrations before queued calls, so once a sync
 * call made by `worker` has returned, every registration `worker` issued
 * before it has been applied engine-side.
 */
export async function barrier(worker) {
  await callEngine(worker, 'engine::functions::list', {})
}

export async function listFunctions(worker) {
  const res = await callEngine(worker, 'engine::functions::list', {})
  assert.ok(res && Array.isArray(res.functions), `engine::functions::list returned ${JSON.stringify(res)}`)
  return res.functions
}

export async function listWorkers(worker) {
  const res = await callEngine(worker, 'engine::workers::list', {})
  assert.ok(res && Array.isArray(res.workers), `engine::workers::list returned ${JSON.stringify(res)}`)
  return res.workers
}

export async function listTriggerTypes(worker) {
  const res = await callEngine(worker, 'engine::triggers::list', {})
  assert.ok(res && Array.isArray(res.triggers), `engine::triggers::list returned ${JSON.stringify(res)}`)
  return res.triggers
}

export async function listRegisteredTriggers(worker) {
  const res = await callEngine(worker, 'engine::registered-triggers::list', {})
  assert.ok(
    res && Array.isArray(res.registered_triggers),
    `engine::registered-triggers::list returned ${JSON.stringify(res)}`,
  )
  return res.registered_triggers
}

/** Waits until every id in `ids` is listed by engine::functions::list. */
export async function waitForFunctions(worker, ids, timeoutMs = 5000) {
  await eventually(async () => {
    const listed = new Set((await listFunctions(worker)).map((f) => f.function_id))
    for (const id of ids) assert.ok(listed.has(id), `function ${id} is not listed yet`)
  }, timeoutMs, 100)
}

/** Removes the engine-injected `_caller_worker_id` from an object payload. */
export function stripCaller(value) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { _caller_worker_id, ...rest } = value
    return rest
  }
  return value
}

/** Asserts that `promise` rejects with an InvocationError of the given code. */
export async function assertInvocationError(promise, code, check = () => {}) {
  let caught
  await assert.rejects(promise, (err) => {
    caught = err
    return true
  })
  assert.ok(caught instanceof InvocationError, `expected InvocationError, got ${caught?.constructor?.name}: ${caught}`)
  assert.equal(caught.code, code, `unexpected error code; message: ${caught.message}`)
  check(caught)
  return caught
}

/**
 * Records console.error lines (the SDK prints
 * `[iii] Trigger registration failed for "<id>" (<type>): <message>` there).
 */
export function captureConsoleError(t) {
  const original = console.error
  const lines = []
  console.error = (...args) => {
    lines.push(args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    original.apply(console, args)
  }
  const restore = () => {
    console.error = original
  }
  t?.after(restore)
  return { lines, restore }
}

/**
 * Runs `register` (a synchronous worker.registerTrigger(...) call) and returns
 * the trigger id the SDK generated for it together with the handle. The SDK
 * draws the id from the global `crypto.randomUUID()` and does not expose it.
 */
export function registerTriggerCapturingId(register) {
  const c = globalThis.crypto
  const hadOwn = Object.prototype.hasOwnProperty.call(c, 'randomUUID')
  const previous = c.randomUUID
  const ids = []
  c.randomUUID = function randomUUIDSpy() {
    const id = previous.call(c)
    ids.push(id)
    return id
  }
  let handle
  try {
    handle = register()
  } finally {
    if (hadOwn) c.randomUUID = previous
    else delete c.randomUUID
  }
  assert.equal(ids.length, 1, 'registerTrigger was expected to draw exactly one UUID')
  return { id: ids[0], handle }
}
