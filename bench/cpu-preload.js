'use strict';
// Preloaded with `node -r` by bench/boot.js: writes the CPU time (user + system, in ms) the
// process used to BENCH_CPU_FILE at exit.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.BENCH_CPU_FILE) {
    const { user, system } = process.cpuUsage();
    writeFileSync(process.env.BENCH_CPU_FILE, `${(user + system) / 1000}\n`);
  }
});
