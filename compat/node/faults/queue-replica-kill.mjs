// Fault test: kill -9 of a queue-service replica while messages stream through a queue.
//
// Streams enqueues at a steady rate through the gateway into the "default" queue, kills the
// replica whose pid is in KILL_PID a few seconds in, keeps streaming, then waits for the
// deliveries to drain. Asserts: no acknowledged message is lost, no caller got an error for a
// message that was stored, deliveries of the messages held up by the crash resume within 10 s
// of it (RESUME_WITHIN_MS), and no message waits more than 20 s (MAX_LATENCY_MS). Prints the
// measured figures as one JSON line starting with "FAULT-RESULT".
//
//   III_URL=ws://127.0.0.1:49134 KILL_PID=1234 node faults/queue-replica-kill.mjs

import { registerWorker, TriggerAction } from 'iii-sdk'
import { setTimeout as sleep } from 'node:timers/promises'
import { randomUUID } from 'node:crypto'

const url = process.env.III_URL ?? 'ws://127.0.0.1:49134'
const killPid = Number(process.env.KILL_PID)
const rate = Number(process.env.RATE ?? 40) // enqueues per second
const seconds = Number(process.env.SECONDS ?? 20)
const killAfterMs = Number(process.env.KILL_AFTER_MS ?? 5000)
const maxLatencyMs = Number(process.env.MAX_LATENCY_MS ?? 20_000)
const resumeWithinMs = Number(process.env.RESUME_WITHIN_MS ?? 10_000)
// A message that waited longer than this was held up by the crash (normal latency is ms).
const heldUpMs = 2_000
if (!Number.isInteger(killPid) || killPid <= 0) throw new Error('KILL_PID must name the replica to kill')

const iii = registerWorker(url, { workerName: 'fault-queue-kill', otel: { enabled: false } })
const run = randomUUID().slice(0, 8)
const fn = `e2e::fault::sink-${run}`
const deliveries = new Map() // n -> [delivery times]
iii.registerFunction(fn, async (payload) => {
  const at = Date.now()
  const list = deliveries.get(payload.n) ?? []
  list.push(at)
  deliveries.set(payload.n, list)
})

const enqueue = (n) =>
  iii.trigger({ function_id: fn, payload: { n, run }, action: TriggerAction.Enqueue({ queue: 'default' }) })

// The sink is registered once a probe goes through.
for (let tries = 0; ; tries++) {
  try {
    await enqueue(-1)
    const deadline = Date.now() + 5000
    while (!deliveries.has(-1) && Date.now() < deadline) await sleep(50)
    if (deliveries.has(-1)) break
  } catch (e) {
    if (tries > 20) throw e
  }
  await sleep(500)
}

const acked = new Map() // n -> ack time
const failed = new Map() // n -> error message
const pending = []
const started = Date.now()
let killedAt = 0
const total = rate * seconds
for (let n = 0; n < total; n++) {
  const due = started + (n * 1000) / rate
  const wait = due - Date.now()
  if (wait > 0) await sleep(wait)
  if (!killedAt && Date.now() - started >= killAfterMs) {
    process.kill(killPid, 'SIGKILL')
    killedAt = Date.now()
    console.log(`killed queue replica pid ${killPid} after ${killedAt - started} ms`)
  }
  pending.push(
    enqueue(n).then(
      () => acked.set(n, Date.now()),
      (e) => failed.set(n, String(e?.message ?? e)),
    ),
  )
}
await Promise.allSettled(pending)

// Drain: every acknowledged message must arrive.
const drainDeadline = Date.now() + 60_000
const missing = () => [...acked.keys()].filter((n) => !deliveries.has(n))
while (missing().length > 0 && Date.now() < drainDeadline) await sleep(200)
await sleep(2000) // late duplicates

let duplicates = 0
let maxLatency = 0
let resumedAt = Infinity // first delivery of a message the crash held up
let heldUp = 0
for (const [n, ackAt] of acked) {
  const times = deliveries.get(n)
  if (!times) continue
  duplicates += times.length - 1
  const first = Math.min(...times)
  maxLatency = Math.max(maxLatency, first - ackAt)
  if (first - ackAt > heldUpMs) {
    heldUp++
    resumedAt = Math.min(resumedAt, first)
  }
}
const resumeMs = heldUp === 0 ? 0 : resumedAt - killedAt
const lost = missing()
const storedButFailed = [...failed.keys()].filter((n) => deliveries.has(n))
const result = {
  sent: total,
  acknowledged: acked.size,
  caller_errors: failed.size,
  errors_for_stored_messages: storedButFailed.length,
  lost: lost.length,
  duplicates,
  held_up_by_the_crash: heldUp,
  resumed_after_kill_ms: resumeMs,
  max_delivery_latency_ms: maxLatency,
  killed_at_ms: killedAt - started,
}
console.log('FAULT-RESULT ' + JSON.stringify(result))
if (failed.size > 0) console.log('caller errors (first 3): ' + JSON.stringify([...failed.values()].slice(0, 3)))
await iii.shutdown()

const problems = []
if (!killedAt) problems.push('the replica was never killed')
if (lost.length > 0) problems.push(`${lost.length} acknowledged messages were lost (first: ${lost.slice(0, 5)})`)
if (storedButFailed.length > 0) problems.push(`${storedButFailed.length} callers got an error for a stored message`)
if (resumeMs > resumeWithinMs) problems.push(`deliveries resumed ${resumeMs} ms after the crash (> ${resumeWithinMs} ms)`)
if (maxLatency > maxLatencyMs) problems.push(`a message waited ${maxLatency} ms (> ${maxLatencyMs} ms) after its acknowledgement`)
if (problems.length > 0) {
  console.error('FAULT-TEST FAILED: ' + problems.join('; '))
  process.exit(1)
}
console.log('FAULT-TEST PASSED')
process.exit(0)
