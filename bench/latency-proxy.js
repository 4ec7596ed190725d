#!/usr/bin/env node
'use strict';
/**
 * A TCP proxy that delays every chunk by LATENCY_MS (default 1) each way, to see how a benchmark
 * behaves with a database across a network rather than on the same host:
 *
 *   node bench/latency-proxy.js &            # listens on 127.0.0.1:5433, forwards to 127.0.0.1:5432
 *   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5433/test npm run bench -- batched
 *
 * Environment: LATENCY_MS, PROXY_PORT (5433), TARGET_HOST (127.0.0.1), TARGET_PORT (5432).
 * Timers are not exact: a delay of 1 ms adds 1 to 2 ms per chunk, alike for every case.
 */
const net = require('node:net');

const delay = Number(process.env.LATENCY_MS ?? 1);
const port = Number(process.env.PROXY_PORT ?? 5433);
const target = { host: process.env.TARGET_HOST ?? '127.0.0.1', port: Number(process.env.TARGET_PORT ?? 5432) };

net
  .createServer((client) => {
    const server = net.connect(target);
    // No Nagle: a delayed small write must not also wait for the peer's ACK.
    client.setNoDelay(true);
    server.setNoDelay(true);
    const forward = (from, to) => from.on('data', (chunk) => setTimeout(() => to.write(chunk), delay));
    forward(client, server);
    forward(server, client);
    const close = () => {
      client.destroy();
      server.destroy();
    };
    for (const socket of [client, server]) {
      socket.on('close', close);
      socket.on('error', close);
    }
  })
  .listen(port, '127.0.0.1', () => process.stderr.write(`latency proxy: 127.0.0.1:${port} -> ${target.host}:${target.port}, ${delay} ms each way\n`));
