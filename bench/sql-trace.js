'use strict';
/**
 * Preloaded with `node -r ./bench/sql-trace.js` to see where a benchmark process spends its
 * database time: every statement through better-sqlite3 (its time is the statement's own, the
 * driver being synchronous) or pg (its time is the round trip, waits included) is timed, and at
 * exit a table of statement shapes (numbers and parameters folded) with count, total and mean
 * goes to stderr, or to BENCH_TRACE_FILE.
 */
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const shapes = new Map();
const shapeOf = (sql) =>
  String(sql)
    .replace(/\s+/g, ' ')
    .replace(/\$\d+|\?/g, '?')
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 110);
const note = (sql, ms) => {
  const shape = shapeOf(sql);
  const entry = shapes.get(shape) ?? { count: 0, ms: 0 };
  entry.count += 1;
  entry.ms += ms;
  shapes.set(shape, entry);
};

try {
  const Database = require('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql, ...rest) {
    const statement = prepare.call(this, sql, ...rest);
    for (const method of ['run', 'all', 'get']) {
      const original = statement[method];
      statement[method] = function (...args) {
        const start = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          note(sql, performance.now() - start);
        }
      };
    }
    return statement;
  };
} catch {
  // better-sqlite3 not installed: nothing to trace there
}

try {
  const { Client } = require('pg');
  const query = Client.prototype.query;
  Client.prototype.query = function (config, values, callback) {
    const sql = typeof config === 'string' ? config : config?.text;
    const start = performance.now();
    const done = () => note(sql, performance.now() - start);
    if (typeof values === 'function' || typeof callback === 'function') {
      const wrap = (cb) =>
        function (...args) {
          done();
          return cb.apply(this, args);
        };
      return typeof values === 'function' ? query.call(this, config, wrap(values)) : query.call(this, config, values, wrap(callback));
    }
    const result = query.call(this, config, values);
    if (result && typeof result.then === 'function') result.then(done, done);
    return result;
  };
} catch {
  // pg not installed
}

process.on('exit', () => {
  const rows = [...shapes].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, e]) => sum + e.ms, 0);
  const lines = [`${total.toFixed(0)} ms in ${rows.reduce((sum, [, e]) => sum + e.count, 0)} statements`];
  for (const [shape, e] of rows) {
    lines.push(`${e.ms.toFixed(1).padStart(9)} ms ${String(e.count).padStart(7)} × ${(e.ms / e.count).toFixed(3).padStart(8)} ms  ${shape}`);
  }
  const text = `${lines.join('\n')}\n`;
  if (process.env.BENCH_TRACE_FILE) writeFileSync(process.env.BENCH_TRACE_FILE, text);
  else process.stderr.write(text);
});
