// Checks that bin/compose-proof runs against the stack in Docker, with the official Node client.
//
//   node compose-proof.mjs replicas <n>  enqueues jobs until <n> different queue-service replicas
//                                         (the `_caller_worker_id` the gateway adds) delivered them
//   node compose-proof.mjs seed          writes a state key and dead-letters one job
//   node compose-proof.mjs check         the key and the dead letter are still there
//
// III_URL is the gateway; III_QUEUE_DLQ a queue that gives up after one attempt.
import { TriggerAction } from 'iii-sdk'
import { Workers, barrier, callEngine, eventually, rand } from './lib/compat.mjs'

const DLQ_QUEUE = process.env.III_QUEUE_DLQ || 'dlq'
const SCOPE = 'compose-proof'
const KEY = 'survives-restart'
const MARKER = 'compose-proof-dead-letter'
const [command, arg] = process.argv.slice(2)
const workers = new Workers()

async function replicas(wanted) {
  const consumer = workers.create()
  const fnId = `compose::proof::work-${rand()}`
  const byReplica = new Map()
  consumer.registerFunction(fnId, async (data) => {
    const replica = data && data._caller_worker_id
    byReplica.set(replica, (byReplica.get(replica) || 0) + 1)
    return null
  })
  await barrier(consumer)
  const producer = workers.create()
  let sent = 0
  // Batches until every replica has delivered some: a replica that just joined the group gets its
  // partitions after a rebalance.
  await eventually(async () => {
    for (let i = 0; i < 12; i++, sent++) {
      await producer.trigger({ function_id: fnId, payload: { n: sent }, action: TriggerAction.Enqueue({ queue: 'default' }) })
    }
    await eventually(() => {
      const done = [...byReplica.values()].reduce((a, b) => a + b, 0)
      if (done < sent) throw new Error(`${done}/${sent} delivered`)
    }, 10_000, 100)
    if (byReplica.size < wanted) throw new Error(`${byReplica.size} replicas delivered so far`)
  }, 90_000, 500)
  console.log(`compose-proof: ${sent} jobs on queue 'default' delivered by ${byReplica.size} queue-service replicas:`)
  for (const [replica, count] of byReplica) console.log(`  ${replica}: ${count}`)
}

async function seed() {
  const w = workers.create()
  await eventually(() => callEngine(w, 'state::set', { scope: SCOPE, key: KEY, value: { kept: true } }), 30_000, 200)
  const fnId = `compose::proof::fails-${rand()}`
  w.registerFunction(fnId, async () => {
    throw new Error('fails on purpose')
  })
  await barrier(w)
  await w.trigger({ function_id: fnId, payload: { marker: MARKER }, action: TriggerAction.Enqueue({ queue: DLQ_QUEUE }) })
  await eventually(async () => {
    const list = await callEngine(w, 'engine::queue::dlq_messages', { topic: DLQ_QUEUE, limit: 100 })
    if (!list.some((e) => e.payload && e.payload.marker === MARKER)) throw new Error('not dead-lettered yet')
  }, 30_000, 200)
  console.log(`compose-proof: wrote state ${SCOPE}/${KEY} and dead-lettered one job on queue '${DLQ_QUEUE}'`)
}

async function check() {
  const w = workers.create()
  const value = await eventually(() => callEngine(w, 'state::get', { scope: SCOPE, key: KEY }), 60_000, 500)
  if (!value || value.kept !== true) throw new Error(`state ${SCOPE}/${KEY} is ${JSON.stringify(value)}`)
  const list = await eventually(() => callEngine(w, 'engine::queue::dlq_messages', { topic: DLQ_QUEUE, limit: 100 }), 60_000, 500)
  if (!list.some((e) => e.payload && e.payload.marker === MARKER)) {
    throw new Error(`the dead letter is gone: ${JSON.stringify(list)}`)
  }
  console.log(`compose-proof: after down/up, state ${SCOPE}/${KEY} = ${JSON.stringify(value)} and the dead letter is listed`)
}

try {
  if (command === 'replicas') await replicas(Number(arg || 3))
  else if (command === 'seed') await seed()
  else if (command === 'check') await check()
  else throw new Error(`unknown command ${command}`)
} finally {
  await workers.shutdownAll()
}
