import { Injectable, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AfterPartyModule, AfterPartyService, AfterPartyTask, type BatchedTask, type DeployTask, type KeysetCollection } from '../../lib';
import { allCommandClasses } from '../../lib/commands';
import type { AfterPartyCommand } from '../../lib/commands/after-party.command';
import * as messages from '../../lib/operator/operator.messages';
import { Gate } from '../support/gate';

/** Gates a task can be held at, and what the batched task processed. */
@Injectable()
class Gates extends Gate {
  readonly processed: number[] = [];
}

@AfterPartyTask({ version: '20260101000001' })
class PlainTask implements DeployTask {
  async run(): Promise<void> {}
}

@AfterPartyTask({ version: '20260101000002' })
class HeldTask implements DeployTask {
  constructor(private readonly gates: Gates) {}
  async run(): Promise<void> {
    await this.gates.hold();
  }
}

/** Six items in batches of two; the second batch waits at the gate. */
@AfterPartyTask({ version: '20260101000003', batch: { size: 2 } })
class SixItemsTask implements BatchedTask<number, number> {
  constructor(private readonly gates: Gates) {}
  collection(): KeysetCollection<number, number> {
    const items = [1, 2, 3, 4, 5, 6];
    return { page: async (after, limit) => items.filter((item) => after === undefined || item > after).slice(0, limit), cursorOf: (item) => item };
  }
  async processBatch(items: number[]): Promise<void> {
    if (items[0] === 3) {
      await this.gates.hold();
    }
    this.gates.processed.push(...items);
  }
}

/** The names the commands type where the service has methods and options: the only wording allowed to differ. */
const CLI_TO_API: Array<[string, string]> = [
  ['after-party:pause <task>', 'pause(task)'],
  ['after-party:cancel <task>', 'cancel(task)'],
  ['after-party:reset <task>', 'reset(task)'],
  ['after-party:resume <task>', 'resume(task)'],
  ['after-party:status', 'status()'],
  ['after-party:reset', 'reset()'],
  ['task versions or names', 'tasks (versions or names)'],
  ['--all', 'all: true'],
  ['--before <version>', 'before: <version>'],
  ['--before', 'before'],
];

function asApi(line: string): string {
  return CLI_TO_API.reduce((text, [cli, api]) => text.split(cli).join(api), line);
}

let dir: string;
let moduleRef: TestingModule;
let service: AfterPartyService;
let gates: Gates;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'after-party-operator-'));
  moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'better-sqlite3', database: join(dir, 'records.sqlite') }),
      AfterPartyModule.forRoot({ store: 'typeorm', lockTimeout: 2000 }),
    ],
    providers: [Gates, PlainTask, HeldTask, SixItemsTask, ...allCommandClasses()],
  }).compile();
  await moduleRef.init();
  service = moduleRef.get(AfterPartyService);
  gates = moduleRef.get(Gates);
});

afterEach(async () => {
  jest.restoreAllMocks();
  gates.release();
  await moduleRef.close();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

/** Runs `after-party:<name>` in this process, as nest-commander would: its stdout, stderr and exit code. */
async function command(name: string, params: string[], flags: Record<string, unknown> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const type = allCommandClasses().find((candidate) => candidate.name.toLowerCase() === `${name.replace(/-/g, '')}command`) as Type<AfterPartyCommand>;
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  process.exitCode = undefined;
  try {
    await moduleRef.get(type).run(params, flags);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The one-line refusal of the service, as the command prints it. */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => new Error('resolved'),
    (thrown: unknown) => thrown as Error,
  );
  return `after-party: ${error.message}\n`;
}

describe('the commands and AfterPartyService share one operator core', () => {
  it('a message changed in one place reaches both surfaces', async () => {
    jest.spyOn(messages, 'notBatched').mockImplementation((task) => `${task.name} has no batches: nothing to pause (reworded).`);

    expect(await command('pause', ['plain'])).toEqual({ code: 2, stdout: '', stderr: 'after-party: plain has no batches: nothing to pause (reworded).\n' });
    await expect(service.pause('plain')).rejects.toThrow('plain has no batches: nothing to pause (reworded).');
  });

  it('a surface-worded message changed in one place reaches both surfaces, each with its own names', async () => {
    jest.spyOn(messages, 'markDoneMode').mockImplementation((surface) => `Pick one way to choose tasks (${surface}).`);
    jest.spyOn(messages, 'markDoneOutcome').mockImplementation((marked) => `${marked.length} marked (reworded)`);

    expect(await command('mark-done', [])).toEqual({ code: 2, stdout: '', stderr: 'after-party: Pick one way to choose tasks (cli).\n' });
    await expect(service.markDone({})).rejects.toThrow('Pick one way to choose tasks (api).');
    expect((await command('mark-done', ['plain'])).stdout).toBe('1 marked (reworded)\n');
    expect((await command('mark-done', ['plain'])).stdout).toBe('0 marked (reworded)\n');
  });

  it('every refusal is the same line on both surfaces, but for the flag or method it names', async () => {
    const pairs: Array<[{ code: number; stdout: string; stderr: string }, Promise<string>]> = [
      // not batched
      [await command('pause', ['plain']), refusal(service.pause('plain'))],
      // not running
      [await command('pause', ['six-items']), refusal(service.pause('six-items'))],
      // exactly one task
      [await command('pause', []), refusal(service.pause(''))],
      [await command('cancel', ['plain', 'held']), refusal(service.cancel(''))],
      [await command('reset', []), refusal(service.reset(''))],
      // mark-done: exactly one mode, and a version for before
      [await command('mark-done', [], { all: true, before: '20260101000002' }), refusal(service.markDone({ all: true, before: '20260101000002' }))],
      [await command('mark-done', []), refusal(service.markDone({}))],
      [await command('mark-done', [], { before: 'yesterday' }), refusal(service.markDone({ before: 'yesterday' }))],
      // resume: not batched, never cut short
      [await command('resume', ['plain']), refusal(service.resume('plain'))],
      [await command('resume', ['six-items']), refusal(service.resume('six-items'))],
    ];
    await service.run({ tasks: ['plain'] });
    pairs.push([await command('cancel', ['plain']), refusal(service.cancel('plain'))]);

    for (const [cli, api] of pairs) {
      expect(cli.code).toBe(2);
      expect(cli.stdout).toBe('');
      expect(asApi(cli.stderr)).toBe(await api);
    }
    expect(pairs.map(([cli]) => cli.stderr.trim())).toEqual([
      'after-party: 20260101000001 plain is not a batched task, so it cannot pause between batches. Stop its runner with SIGTERM instead (it is recorded interrupted).',
      'after-party: 20260101000003 six-items is not running: there is nothing to pause. after-party:status shows where it stands.',
      'after-party: Name exactly one task, by version or name: after-party:pause <task>.',
      'after-party: Name exactly one task, by version or name: after-party:cancel <task>.',
      'after-party: Name exactly one task, by version or name: after-party:reset <task>.',
      'after-party: Say which tasks to mark done: task versions or names, --all, or --before <version> (exactly one of them).',
      'after-party: Say which tasks to mark done: task versions or names, --all, or --before <version> (exactly one of them).',
      'after-party: --before needs a task version (YYYYMMDDHHMMSS), not "yesterday".',
      'after-party: 20260101000001 plain is not a batched task, so it has no cursor to resume from: run it by name to run it again.',
      'after-party: 20260101000003 six-items cannot resume: it is pending, not paused or interrupted. Only a paused or interrupted batched task resumes.',
      'after-party: 20260101000001 plain is completed: there is nothing to cancel. after-party:reset makes it pending again.',
    ]);
  });

  it('cancel of a running plain task is refused at once on both surfaces, naming SIGTERM, and the run goes on', async () => {
    const run = service.run({ tasks: ['held'] });
    await gates.arrived;

    const started = Date.now();
    const cli = await command('cancel', ['held']);
    const api = await refusal(service.cancel('held', { lockTimeout: 60_000 }));
    // The module's lock wait is 2 s: a refusal that waited for the lock would take at least that.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(cli).toEqual({
      code: 2,
      stdout: '',
      stderr: 'after-party: 20260101000002 held is running and is not batched, so it cannot be cancelled between batches: stop its runner with SIGTERM instead (it is recorded interrupted).\n',
    });
    expect(api).toBe(cli.stderr);

    gates.release();
    expect((await run).outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['held', 'completed']]);
    expect((await service.status()).tasks.find((row) => row.name === 'held')?.state).toBe('completed');
  });

  it('resume runs a paused batched task from its cursor, as run by name does; the command prints the run report', async () => {
    const run = service.run({ tasks: ['six-items'] });
    await gates.arrived;
    expect(await command('pause', ['six-items'], { json: true })).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ task: { version: '20260101000003', name: 'six-items' }, action: 'pause', result: 'requested' }, null, 2)}\n`,
      stderr: '',
    });
    // The runner reads requests at most once a second: move its clock past that instead of waiting.
    const now = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => now() + 5000);
    gates.release();
    expect(await run).toMatchObject({ ok: false, paused: true });
    expect(gates.processed).toEqual([1, 2, 3, 4]);
    expect((await service.status()).tasks.find((row) => row.name === 'six-items')?.state).toBe('paused');

    const resumed = await command('resume', ['six-items'], { json: true });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ ok: true, exitCode: 0, paused: false, tasks: [{ name: 'six-items', status: 'completed' }], notRun: [] });
    expect(gates.processed).toEqual([1, 2, 3, 4, 5, 6]);

    const again = await command('resume', ['six-items']);
    expect(again.stderr).toBe(
      'after-party: 20260101000003 six-items cannot resume: it is completed (after-party:reset starts it over). Only a paused or interrupted batched task resumes.\n',
    );
    expect(asApi(again.stderr)).toBe(await refusal(service.resume('six-items')));
  });
});
