import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * The `after-party/terminus` entry as an installed app sees it, and the optional peers it keeps
 * out of the main entry. Reads the dist/ that the Jest global setup builds.
 */
const ROOT = resolve(__dirname, '../..');

let app: string;

beforeAll(() => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  app = mkdtempSync(join(ROOT, '.tmp', 'terminus-consumer-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(ROOT, join(app, 'node_modules', 'after-party'), 'junction');
});

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
});

/** Runs `script` in a fresh Node process in the app folder and returns what it prints as JSON. */
function inNode(script: string): unknown {
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' }));
}

const LOADED_PEERS = `Object.keys(require.cache).filter((file) => /[\\\\/]@nestjs[\\\\/](terminus|event-emitter)[\\\\/]/.test(file)).map((file) => file.match(/@nestjs[\\\\/]([^\\\\/]+)/)[1])`;

describe('after-party/terminus', () => {
  it.each([
    ['node (node10)', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }],
    ['node16', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }],
    ['nodenext', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }],
    ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
  ])('has types under moduleResolution %s', (_name, options) => {
    const resolved = ts.resolveModuleName('after-party/terminus', join(app, 'src', 'health.ts'), options, ts.sys).resolvedModule;
    expect(resolved && realpathSync(resolved.resolvedFileName)).toBe(join(ROOT, 'dist', 'terminus', 'index.d.ts'));
  });

  it('is shipped: exported, and a folder for tools that ignore exports', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.exports['./terminus']).toEqual({ types: './dist/terminus/index.d.ts', default: './dist/terminus/index.js' });
    expect(manifest.files).toContain('terminus/package.json');
    expect(manifest.peerDependenciesMeta['@nestjs/terminus']).toEqual({ optional: true });
    expect(manifest.peerDependenciesMeta['@nestjs/event-emitter']).toEqual({ optional: true });
    expect(realpathSync(require.resolve(join(app, 'node_modules', 'after-party', 'terminus')))).toBe(join(ROOT, 'dist', 'terminus', 'index.js'));
  });

  it('loads @nestjs/terminus; the main entry loads neither it nor @nestjs/event-emitter', () => {
    expect(inNode(`const main = require('after-party'); console.log(JSON.stringify({ service: typeof main.AfterPartyService, peers: ${LOADED_PEERS} }))`)).toEqual({
      service: 'function',
      peers: [],
    });
    expect(inNode(`const entry = require('after-party/terminus'); console.log(JSON.stringify({ indicator: typeof entry.AfterPartyHealthIndicator, peers: ${LOADED_PEERS} }))`)).toEqual({
      indicator: 'function',
      peers: expect.arrayContaining(['terminus']),
    });
  });

  it('keeps the indicator out of the main entry', () => {
    expect(readFileSync(join(ROOT, 'dist', 'index.d.ts'), 'utf8')).not.toMatch(/terminus|HealthIndicator/);
    expect(readFileSync(join(ROOT, 'dist', 'terminus', 'index.d.ts'), 'utf8')).toMatch(/AfterPartyHealthIndicator/);
  });
});
