'use strict';
const { closeSync, fdatasyncSync, openSync, rmSync, writeSync } = require('node:fs');
const { join } = require('node:path');

/** Median latency of a 4 KiB write + fdatasync in `dir`: what a durable commit costs on this disk. */
function fsyncLatencyMs(dir) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < 100; i++) {
      const t = process.hrtime.bigint();
      writeSync(fd, block, 0, block.length, (i % 16) * block.length);
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return (times[49] + times[50]) / 2;
}

module.exports = { fsyncLatencyMs };
