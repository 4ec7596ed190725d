'use strict';
// Preloaded with `node -r` when /usr/bin/time is missing: writes the process's peak RSS (KiB)
// to BENCH_RSS_FILE at exit, the way `/usr/bin/time -f %M` would.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    writeFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
  }
});
