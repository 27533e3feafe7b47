// A Node iii-sdk@0.22.1 worker for the Java test CliAgainstNodeWorkerTest: it registers one
// function (id from CLI_NODE_FUNCTION) with a description and request/response schemas, prints
// "ready <id>" once the engine lists it, and runs until its standard input closes.
//
//   III_URL=ws://127.0.0.1:49134 CLI_NODE_FUNCTION=demo::greet node cli-worker.mjs

import { setTimeout as sleep } from 'node:timers/promises'
import { registerWorker } from 'iii-sdk'

const url = process.env.III_URL || 'ws://127.0.0.1:49134'
const id = process.env.CLI_NODE_FUNCTION
if (!id) {
  console.error('CLI_NODE_FUNCTION is not set')
  process.exit(2)
}

const worker = registerWorker(url, {
  workerName: 'cli-node-worker',
  invocationTimeoutMs: 10_000,
  enableMetricsReporting: false,
  otel: { enabled: false },
  reconnectionConfig: { initialDelayMs: 100, maxDelayMs: 500, maxRetries: -1 },
})

worker.registerFunction(
  id,
  async (input) => {
    if (input.name === undefined) {
      throw new Error('name is required')
    }
    return { greeting: `Hello, ${input.name}!`, lang: 'node' }
  },
  {
    description: 'Greets from Node',
    request_format: {
      type: 'object',
      properties: { name: { type: 'string', description: 'who to greet' } },
      required: ['name'],
    },
    response_format: { type: 'object', properties: { greeting: { type: 'string' } } },
  },
)

// Ready once the engine answers for the function: its registration has been applied.
for (;;) {
  try {
    await worker.trigger({ function_id: 'engine::functions::info', payload: { function_id: id } })
    break
  } catch {
    await sleep(100)
  }
}
console.log(`ready ${id}`)

process.stdin.resume()
process.stdin.on('end', async () => {
  await worker.shutdown()
  process.exit(0)
})
