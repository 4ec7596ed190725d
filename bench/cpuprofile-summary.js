#!/usr/bin/env node
'use strict';
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by package (or file) and the
 * top functions by self and by inclusive time, so the time of a benchmark process can be
 * attributed. Usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top=25] [match]
 * With `match` (a regular expression), only the inclusive times of matching functions are printed.
 */
const { readFileSync } = require('node:fs');

process.stdout.on('error', () => process.exit(0)); // e.g. piped into head
const [file, topArg, match] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Self time per node from the sample timeline.
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(frame) {
  const url = frame.url || '';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.includes('/dist/')) return `after-party ${url.slice(url.indexOf('/dist/') + 1)}`;
  if (url.startsWith('node:')) return 'node internals';
  if (!url) return frame.functionName ? `(${frame.functionName.replace(/[()]/g, '')})` : '(native)';
  return url.replace(/^file:\/\//, '');
}
const byPackage = new Map();
const byFunction = new Map();
const inclusive = new Map();
for (const [id, ms] of self) {
  const frame = nodes.get(id).callFrame;
  byPackage.set(where(frame), (byPackage.get(where(frame)) ?? 0) + ms);
  const key = `${frame.functionName || '(anonymous)'} ${where(frame)}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  // Inclusive: every distinct function on the stack gets the sample once.
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const f = nodes.get(n).callFrame;
    const k = `${f.functionName || '(anonymous)'} ${where(f)}:${f.lineNumber + 1}`;
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
}
const print = (title, map, n) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
process.stdout.write(`${file}: ${total.toFixed(0)} ms sampled (wall time of the main thread, idle included)\n`);
if (match) {
  const pattern = new RegExp(match);
  print(`Inclusive time of functions matching /${match}/`, new Map([...inclusive].filter(([key]) => pattern.test(key))), top);
  process.exit(0);
}
print('Self time by package', byPackage, top);
print('Self time by function', byFunction, top);
print('Inclusive time by function', inclusive, top);
