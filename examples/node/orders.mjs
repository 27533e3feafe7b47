// An order pipeline on the iii engine, with the official Node SDK:
//
//   POST /orders            (http trigger)   -> orders::accept  answers 202 with a receipt and
//                                               enqueues the order on the "default" queue
//   queue "default"         (Enqueue)        -> orders::process stores the order in state
//   state scope "orders"    (state trigger)  -> orders::changed publishes "orders.changed"
//   topic "orders.changed"  (subscribe)      -> orders::audit   logs the change
//   GET /orders/:id         (http trigger)   -> orders::get     reads it back
//   GET /stats              (http trigger)   -> orders::stats   reads what the Java cron job wrote
//
// The Java worker in examples/java-worker adds the cron aggregate (stats::orders).
// Run the stack (bin/stack), then: npm ci && III_URL=ws://127.0.0.1:49134 node orders.mjs

import { registerWorker, TriggerAction } from 'iii-sdk'

const iii = registerWorker(process.env.III_URL ?? 'ws://127.0.0.1:49134', {
  workerName: 'orders-example',
  otel: { enabled: false },
})

iii.registerFunction('orders::accept', async (req) => {
  const order = req.body ?? {}
  if (!order.id || typeof order.qty !== 'number') {
    return { status_code: 400, body: { error: 'an order needs an id and a numeric qty' } }
  }
  const { messageReceiptId } = await iii.trigger({
    function_id: 'orders::process',
    payload: { id: String(order.id), item: order.item ?? 'unknown', qty: order.qty },
    action: TriggerAction.Enqueue({ queue: 'default' }),
  })
  return { status_code: 202, body: { accepted: order.id, receipt: messageReceiptId } }
})
iii.registerTrigger({ type: 'http', function_id: 'orders::accept', config: { api_path: 'orders', http_method: 'POST' } })

iii.registerFunction('orders::process', async (order) => {
  await iii.trigger({
    function_id: 'state::set',
    payload: { scope: 'orders', key: order.id, value: { item: order.item, qty: order.qty, status: 'processed' } },
  })
})

iii.registerFunction('orders::changed', async (event) => {
  await iii.trigger({
    function_id: 'publish',
    payload: { topic: 'orders.changed', data: { id: event.key, event: event.event_type, value: event.new_value } },
  })
})
iii.registerTrigger({ type: 'state', function_id: 'orders::changed', config: { scope: 'orders' } })

iii.registerFunction('orders::audit', async (change) => {
  console.log(`[audit] order ${change.id} ${change.event}: ${JSON.stringify(change.value)}`)
})
iii.registerTrigger({ type: 'subscribe', function_id: 'orders::audit', config: { topic: 'orders.changed' } })

iii.registerFunction('orders::get', async (req) => {
  const value = await iii.trigger({ function_id: 'state::get', payload: { scope: 'orders', key: req.path_params.id } })
  return value === undefined ? { status_code: 404, body: { error: 'no such order' } } : { status_code: 200, body: value }
})
iii.registerTrigger({ type: 'http', function_id: 'orders::get', config: { api_path: 'orders/:id', http_method: 'GET' } })

iii.registerFunction('orders::stats', async () => {
  const stats = await iii.trigger({ function_id: 'state::get', payload: { scope: 'stats', key: 'orders' } })
  return stats === undefined ? { status_code: 404, body: { error: 'no stats yet' } } : { status_code: 200, body: stats }
})
iii.registerTrigger({ type: 'http', function_id: 'orders::stats', config: { api_path: 'stats', http_method: 'GET' } })

console.log('orders example: POST http://127.0.0.1:3111/orders {"id":"1","qty":2}, then GET /orders/1')
const stop = async () => {
  await iii.shutdown()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
