// B3 of the benchmarks (bench/README.md): sequential round trips of the Node iii-sdk@0.22.1 through
// the gateway, and of a plain `ws` client against a `ws` echo server, the floor. The Java harness
// starts each mode as its own process and reads the last line of its standard output.
//
//   node roundtrip.mjs echo-server                         prints "READY <port>", echoes until stdin closes
//   node roundtrip.mjs echo-client <url> <warmup> <count>  prints {"samples_ns": [...]}
//   node roundtrip.mjs iii-worker <url> <function_id>      registers an echo function, prints "READY"
//   node roundtrip.mjs iii-caller <url> <function_id> <warmup> <count>
import { randomUUID } from 'node:crypto'
import { registerWorker } from 'iii-sdk'
import { WebSocket, WebSocketServer } from 'ws'

const [mode, ...args] = process.argv.slice(2)
const PAYLOAD = { n: 1, s: 'hello' }

function untilStdinCloses() {
  return new Promise((resolve) => {
    process.stdin.on('end', resolve)
    process.stdin.on('close', resolve)
    process.stdin.resume()
  })
}

function worker(url) {
  return registerWorker(url, {
    workerName: `bench-node-${mode}`,
    invocationTimeoutMs: 30_000,
    enableMetricsReporting: false,
    otel: { enabled: false },
  })
}

async function waitForFunction(w, id) {
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const res = await w.trigger({ function_id: 'engine::functions::list', payload: {}, timeoutMs: 5000 })
      if (res && Array.isArray(res.functions) && res.functions.some((f) => f.function_id === id)) return
    } catch (err) {
      if (Date.now() > deadline) throw err
    }
    if (Date.now() > deadline) throw new Error(`function ${id} not registered within 60 s`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function timed(warmup, count, once) {
  for (let i = 0; i < warmup; i++) await once()
  const samples = new Array(count)
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint()
    await once()
    samples[i] = Number(process.hrtime.bigint() - t0)
  }
  return samples
}

switch (mode) {
  case 'echo-server': {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
    server.on('connection', (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
    })
    await new Promise((r) => server.on('listening', r))
    console.log(`READY ${server.address().port}`)
    await untilStdinCloses()
    server.close()
    process.exit(0)
    break
  }
  case 'echo-client': {
    const [url, warmup, count] = args
    const ws = new WebSocket(url, { perMessageDeflate: false })
    await new Promise((resolve, reject) => {
      ws.on('open', resolve)
      ws.on('error', reject)
    })
    // The same bytes an iii-sdk caller sends for this payload.
    const frame = JSON.stringify({
      type: 'invokefunction',
      invocation_id: randomUUID(),
      function_id: 'bench::node::echo',
      data: PAYLOAD,
    })
    let waiting = null
    ws.on('message', () => waiting())
    const once = () =>
      new Promise((resolve) => {
        waiting = resolve
        ws.send(frame)
      })
    const samples = await timed(Number(warmup), Number(count), once)
    console.log(JSON.stringify({ samples_ns: samples }))
    ws.close()
    process.exit(0)
    break
  }
  case 'iii-worker': {
    const [url, id] = args
    const w = worker(url)
    w.registerFunction(id, async (input) => input)
    await waitForFunction(w, id)
    console.log('READY')
    await untilStdinCloses()
    await w.shutdown()
    process.exit(0)
    break
  }
  case 'iii-caller': {
    const [url, id, warmup, count] = args
    const w = worker(url)
    await waitForFunction(w, id)
    const once = () => w.trigger({ function_id: id, payload: PAYLOAD, timeoutMs: 30_000 })
    const samples = await timed(Number(warmup), Number(count), once)
    console.log(JSON.stringify({ samples_ns: samples }))
    await w.shutdown()
    process.exit(0)
    break
  }
  default:
    console.error(`unknown mode ${mode}`)
    process.exit(2)
}
