import { EventEmitter } from 'node:events';
import { fitBarLine, keepLinesOffTheBar } from '../../lib/format/progress-bar';
import type { BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { TaskProgressSnapshot } from '../../lib/interfaces/run-record.interface';
import { ProgressReporter } from '../../lib/runner/progress-reporter';
import { REDIS } from '../support/redis';
import { dispatch, distributedTask, numbers, useSandbox, within } from './distribution-harness';

describe('the progress bar on a terminal', () => {
  const line = {
    name: 'distributed-items',
    done: 600,
    total: 1000,
    rate: '212.4',
    eta: '1.9 s',
    message: '(batches 120/200, done by 3 workers, 3 s in)',
  };

  it('fits the terminal: the whole line on a wide one, the bar shrunk then the end cut on a narrow one', () => {
    const wide = fitBarLine(line, 200);
    expect(wide).toMatch(/^distributed-items \[={24}-{16}\] 60% \| 600\/1000 \| 212\.4\/s \| ETA 1\.9 s \| \(batches 120\/200, done by 3 workers, 3 s in\)$/);
    const fitted = fitBarLine(line, 120);
    expect(fitted.length).toBeLessThanOrEqual(119);
    expect(fitted).toContain('(batches 120/200, done by 3 workers, 3 s in)');
    const narrow = fitBarLine(line, 80);
    expect(narrow.length).toBe(79);
    expect(narrow.endsWith('…')).toBe(true);
    expect(narrow).toMatch(/^distributed-items \[={6}-{4}\] 60% \| 600\/1000/);
  });

  it('clears the bar before a log line is written, so that the line is not glued to it, and stops doing so once released', () => {
    const bar = new EventEmitter();
    const written: string[] = [];
    const stream = (name: string) => ({ write: (chunk: string) => (written.push(`${name}:${chunk}`), true) }) as unknown as NodeJS.WritableStream;
    const stderr = stream('err');
    const stdout = stream('out');
    const release = keepLinesOffTheBar(bar, stderr, [stdout, stderr]);
    bar.emit('redraw-pre');
    stderr.write('[=====-----] 50%');
    bar.emit('redraw-post');
    stdout.write('a log line\n');
    stdout.write('another one\n');
    release();
    stdout.write('after\n');
    expect(written).toEqual(['err:[=====-----] 50%', 'err:\r\u001b[2K', 'out:a log line\n', 'out:another one\n', 'out:after\n']);
  });
});

describe('the progress reporter on a terminal', () => {
  it('draws a bar that fits the terminal, and a log line written meanwhile starts on a line of its own', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const saved = { outWrite: process.stdout.write, errWrite: process.stderr.write, errTty: process.stderr.isTTY, outColumns: process.stdout.columns };
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    Object.assign(process.stderr, { isTTY: true });
    Object.assign(process.stdout, { columns: 100 });
    try {
      const store = { updateRun: async () => undefined } as never;
      const events = { emit: async () => undefined } as never;
      const logger = { log: (line: string) => process.stdout.write(`${line}\n`), warn: () => undefined, error: () => undefined };
      const reporter = new ProgressReporter({ version: '20260101000099', name: 'distributed-items', runId: 'r' } as never, store, events, logger, true);
      reporter.setTotal(1000);
      reporter.advance(600);
      reporter.setMessage('(batches 120/200, done by 3 workers, 3 s in) and a message long enough to need cutting');
      process.stdout.write('Dispatched 200 batches\n');
      await reporter.finish();
    } finally {
      Object.assign(process.stdout, { write: saved.outWrite, columns: saved.outColumns });
      Object.assign(process.stderr, { write: saved.errWrite, isTTY: saved.errTty });
    }
    const bars = err.filter((chunk) => chunk.startsWith('distributed-items ['));
    expect(bars.length).toBeGreaterThan(0);
    expect(Math.max(...bars.map((bar) => bar.length))).toBeLessThanOrEqual(99);
    // The bar's line was cleared before the log line, which thus starts at the line's start.
    expect(err).toContain('\r\u001b[2K');
    expect(out).toContain('Dispatched 200 batches\n');
  });
});

(REDIS.available ? describe : describe.skip)('distributed progress', () => {
  const sandbox = useSandbox();

  it('moves while the batches are being dispatched, and counts its time from the start of the dispatch', async () => {
    const current: { run?: ReturnType<typeof dispatch> } = {};
    const snapshot = (): TaskProgressSnapshot => (current.run!.progress as unknown as { snapshot: TaskProgressSnapshot }).snapshot;
    let doneDuringDispatch = 0;
    const slowly: BatchedTask<number, number> = {
      collection(): KeysetCollection<number, number> {
        const all = numbers(200);
        return {
          ...all,
          // Paging keys takes a while (a large table): the workers are at work meanwhile.
          keys: async (cursor, limit) => {
            await new Promise((resolve) => setTimeout(resolve, 80));
            if ((cursor ?? 0) >= 190) {
              doneDuringDispatch = snapshot().done;
            }
            return all.keys!(cursor, limit);
          },
        };
      },
      processBatch: async () => undefined,
    };
    const task = distributedTask('progress-during-dispatch', slowly, { size: 5 });
    const runner = sandbox.node();
    sandbox.workers([task]);
    const started = Date.now();
    const run = (current.run = sandbox.run(runner, task));

    expect(await within(30_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
    const took = Math.round((Date.now() - started) / 1000);
    // Some of it at least: how much depends on how fast the workers go next to the dispatch.
    expect(doneDuringDispatch).toBeGreaterThan(0);
    const secondsIn = Number(/(\d+) s in\)$/.exec(snapshot().message ?? '')?.[1]);
    // The whole run (about 3 s of dispatch), not the few milliseconds after it.
    expect(secondsIn).toBeGreaterThanOrEqual(took - 1);
    expect(secondsIn).toBeGreaterThanOrEqual(2);
  }, 40_000);
});
