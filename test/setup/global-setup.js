// Builds the library and the fixture app the end-to-end specs run as child processes, installs
// the fixture app's other dependency sets (Nest 12, the peer floors), and probes the database
// servers. With CI=true an unreachable server or a set that cannot be installed fails the run;
// otherwise their suites are skipped with a notice.
const { execFileSync } = require('node:child_process');
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

module.exports = async function globalSetup(globalConfig) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'test/fixtures/app/tsconfig.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'test/fixtures/quiet-app/tsconfig.json'], { cwd: root, stdio: 'inherit' });

  const variants = await installVariants(globalConfig);

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
