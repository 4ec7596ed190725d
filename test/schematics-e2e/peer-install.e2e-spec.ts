/**
 * End to end: a plain `npm install` of the packed library resolves in a Nest 11 and a Nest 12 app
 * that already have every optional peer after-party names, each at its current major (resolved
 * from the npm registry when the test runs, so a new major that our ranges leave out fails here
 * first). Resolution is what refuses (ERESOLVE), so the install stops at the lockfile
 * (`--package-lock-only`): no package is downloaded. Needs the npm registry.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run, runOrThrow } from './helpers/shell';

jest.setTimeout(5 * 60 * 1000);

const REPO_ROOT = path.resolve(__dirname, '../..');

/** after-party's optional peers that an app installs beside it at their newest major. */
const NEWEST = ['@nestjs/schedule', '@nestjs/event-emitter', 'bullmq', 'typeorm', 'mongoose', 'nest-commander'];
/** Peers whose major follows the app's Nest major. */
const AT_NEST_MAJOR = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', '@nestjs/mongoose', '@nestjs/terminus', '@nestjs/bullmq'];

let workDir: string;
let tarball: string;
const newest: Record<string, string> = {};

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'after-party-peer-install-'));
  const packed = JSON.parse(runOrThrow('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], REPO_ROOT).stdout);
  tarball = path.join(workDir, packed[0].filename);
  for (const name of NEWEST) {
    newest[name] = runOrThrow('npm', ['view', name, 'version'], workDir).stdout.trim();
  }
});

afterAll(() => {
  if (workDir) {
    rmSync(workDir, { recursive: true, force: true });
  }
});

describe.each([11, 12])('a Nest %i app with every optional peer at its current major', (nest) => {
  it('installs the packed after-party with a plain npm install (no --legacy-peer-deps)', () => {
    const appDir = path.join(workDir, `nest${nest}`);
    mkdirSync(appDir);
    const dependencies: Record<string, string> = {
      'after-party': `file:${tarball}`,
      ...Object.fromEntries(AT_NEST_MAJOR.map((name) => [name, `^${nest}.0.0`])),
      ...Object.fromEntries(NEWEST.map((name) => [name, `^${newest[name]}`])),
      // TypeORM's own optional peer range for ioredis decides its major in an app with both.
      ioredis: '^5.0.0',
      'reflect-metadata': '^0.2.0',
      rxjs: '^7.8.0',
    };
    writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: `nest${nest}-app`, version: '1.0.0', private: true, dependencies }));

    const install = run('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund', '--loglevel=error'], appDir);

    expect({ status: install.status, output: install.status === 0 ? '' : install.output.slice(0, 3000) }).toEqual({ status: 0, output: '' });
    const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const major = (name: string): number => Number(lock.packages[`node_modules/${name}`]?.version?.split('.')[0]);
    expect(lock.packages['node_modules/after-party']?.version).toBeDefined();
    expect(AT_NEST_MAJOR.map((name) => [name, major(name)])).toEqual(AT_NEST_MAJOR.map((name) => [name, nest]));
    expect(NEWEST.map((name) => [name, major(name)])).toEqual(NEWEST.map((name) => [name, Number(newest[name].split('.')[0])]));
  });
});
