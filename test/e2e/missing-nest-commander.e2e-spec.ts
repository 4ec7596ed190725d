import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MODULES = realpathSync(join(ROOT, 'node_modules'));

/**
 * The fixture app installed where nest-commander is not: a folder holding after-party's
 * package.json and built dist/ (so `after-party` resolves to it, as in an app's node_modules),
 * the built fixture app, and a node_modules with every package of this repository but
 * nest-commander.
 */
function installWithoutNestCommander(dir: string): void {
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'app', 'dist'), join(dir, 'app', 'dist'), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(MODULES)) {
    if (entry !== 'nest-commander' && !entry.startsWith('.')) {
      symlinkSync(join(MODULES, entry), join(dir, 'node_modules', entry), 'junction');
    }
  }
}

describe('an app without nest-commander', () => {
  let dir: string;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'after-party-no-commander-')));
    installWithoutNestCommander(dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'app', 'dist', 'main.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1', AP_DB: 'sqlite', AP_DB_URL: join(dir, 'app.sqlite') },
    });

  it("really cannot load nest-commander from after-party or the app (by Node's own resolution)", () => {
    const resolveFrom = (folder: string) => () => createRequire(join(folder, 'index.js')).resolve('nest-commander');
    expect(resolveFrom(join(ROOT, 'dist', 'cli'))).not.toThrow();
    for (const folder of [join(dir, 'dist', 'cli'), join(dir, 'app', 'dist')]) {
      expect(resolveFrom(folder)).toThrow(/^Cannot find module 'nest-commander'/);
    }
  });

  it.each(['after-party:run', 'after-party:status'])('%s prints one line naming the install and exits 2', (command) => {
    const result = start([command]);

    expect({ code: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'after-party: The after-party:* commands run on nest-commander, which is not installed in this app. ' +
        'Install it: npm install nest-commander\n',
    });
  });

  it('still starts the app without a command: only after-party:* processes need nest-commander', () => {
    const result = start([]);

    expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 64, stderr: 'fixture app: no after-party command given\n' });
  });
});
