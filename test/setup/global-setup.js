// Builds the library and the fixture app the end-to-end specs run as child processes, installs
// the fixture app's other dependency sets (Nest 12, the peer floors), and probes the database
// servers. With CI=true an unreachable server or a set that cannot be installed fails the run;
// otherwise their suites are skipped with a notice.
const { spawn } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const { join } = require('node:path');
const { SERVERS } = require('../support/servers');
const { installVariants } = require('./install-variants');

const root = join(__dirname, '..', '..');

function probe(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `tsc -p` of each project, two at a time (none of them reads another's output). */
async function buildAll(projects) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const queue = [...projects];
  const failures = [];
  const worker = async () => {
    for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
      const { code, output } = await new Promise((resolve) => {
        const child = spawn(process.execPath, [tsc, '-p', project], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (chunk) => (text += chunk));
        child.stderr.on('data', (chunk) => (text += chunk));
        child.on('close', (exit) => resolve({ code: exit, output: text }));
      });
      if (code !== 0) {
        process.stderr.write(output);
        failures.push(`tsc -p ${project} exited ${code}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  if (failures.length > 0) {
    throw new Error(failures.join('; '));
  }
}

module.exports = async function globalSetup(globalConfig) {
  // The library, the fixture apps the end-to-end specs run as child processes, and the sample,
  // built once per run here rather than by the specs; the dependency sets install meanwhile
  // (npm waits on the network, tsc on the CPU).
  // The apps import `after-party` from its built dist/ (its types): the library first.
  const built = buildAll(['tsconfig.build.json']).then(() =>
    buildAll(['test/fixtures/app/tsconfig.json', 'test/fixtures/quiet-app/tsconfig.json', 'sample/tsconfig.json']),
  );
  const installed = installVariants(globalConfig, built);
  await built;
  const variants = await installed;

  const available = { sqlite: true };
  const missing = [];
  for (const [name, server] of Object.entries(SERVERS)) {
    available[name] = await probe(server.url);
    if (!available[name]) {
      missing.push(`${name} (${server.url}, set ${server.env})`);
    }
  }
  if (missing.length > 0) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but these database servers are unreachable: ${missing.join('; ')}`);
    }
    process.stderr.write(`\nNOTICE: unreachable, their suites are SKIPPED: ${missing.join('; ')}\n`);
  }
  mkdirSync(join(root, '.tmp'), { recursive: true });
  writeFileSync(join(root, '.tmp', 'stores.json'), JSON.stringify(available));
  writeFileSync(join(root, '.tmp', 'variants.json'), JSON.stringify(variants));
};
