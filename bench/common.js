'use strict';
/** What every benchmark script shares: whole-number settings from the environment, a log with elapsed seconds, medians. */

const started = Date.now();

/** The environment variable `name` as a whole number, `fallback` when unset; throws on anything else. */
function int(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number, not ${value}`);
  return parsed;
}

/** A progress line on stderr, with the seconds since the benchmark started. */
function log(message) {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

module.exports = { int, log, median, started };
