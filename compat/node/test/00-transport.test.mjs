// Transport preconditions (protocol.md 1.1 / 8.5): besides the control socket
// at `/`, every SDK opens a telemetry socket at `/otel`; the gateway must
// accept that upgrade or the SDK reconnects (and logs) forever. Checked with a
// raw HTTP upgrade so no extra WebSocket dependency is needed.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { test } from 'node:test'
import { III_URL } from '../lib/compat.mjs'

function upgradeStatus(path) {
  const url = new URL(III_URL)
  const secure = url.protocol === 'wss:'
  url.protocol = secure ? 'https:' : 'http:'
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
      timeout: 5000,
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve(res.statusCode)
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode)
    })
    req.on('timeout', () => req.destroy(new Error(`upgrade of ${url} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

test('0. the gateway accepts WebSocket upgrades on / and /otel', { timeout: 15_000 }, async () => {
  assert.equal(await upgradeStatus(''), 101, 'control socket upgrade')
  assert.equal(await upgradeStatus('/otel'), 101, 'telemetry socket upgrade')
})
