// Scenario 10: the gateway is restarted on the same port; the SDK reconnects
// and replays its registrations, so calls work again without any user code
// re-registering. Needs III_CONTROL_URL (POST /restart-gateway). Runs last
// because it disturbs every connection to the gateway.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { III_CONTROL_URL, eventually, rand, stripCaller, waitForFunctions, workersFor } from '../lib/compat.mjs'

const skip = III_CONTROL_URL ? false : 'III_CONTROL_URL is not set'

async function restartGateway() {
  const res = await fetch(`${III_CONTROL_URL}/restart-gateway`, {
    method: 'POST',
    signal: AbortSignal.timeout(30_000),
  })
  const body = await res.text()
  assert.equal(res.status, 200, `restart-gateway answered ${res.status}: ${body}`)
}

test('10. registrations survive a gateway restart (SDK replay on reconnect)', { skip, timeout: 60_000 }, async (t) => {
  const workers = workersFor(t)
  const r = rand()
  const fnId = `compat::node::survivor-${r}`
  let runs = 0

  const executor = workers.create()
  executor.registerFunction(fnId, async (input) => {
    runs++
    return { pong: stripCaller(input), r }
  })

  const caller = workers.create()
  await waitForFunctions(caller, [fnId])
  assert.deepEqual(await caller.trigger({ function_id: fnId, payload: { n: 0 } }), { pong: { n: 0 }, r })

  await restartGateway()

  // The same (reconnected) caller succeeds again; short per-call timeouts so
  // calls queued while disconnected are retried instead of hanging.
  await eventually(async () => {
    const res = await caller.trigger({ function_id: fnId, payload: { n: 1 }, timeoutMs: 1000 })
    assert.deepEqual(res, { pong: { n: 1 }, r })
  }, 20_000, 200)

  // A brand-new worker reaches the replayed function as well.
  const fresh = workers.create()
  await eventually(async () => {
    const res = await fresh.trigger({ function_id: fnId, payload: { n: 2 }, timeoutMs: 1000 })
    assert.deepEqual(res, { pong: { n: 2 }, r })
  }, 20_000, 200)

  assert.ok(runs >= 3)
})
