import { Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { BatchWorkers } from '../../lib/distribution/batch-workers.service';
import { runDistributed, type DistributedEnd, type DistributionCheckpoint } from '../../lib/distribution/dispatch';
import { DistributionService } from '../../lib/distribution/distribution.service';
import type { DistributedRegisteredTask } from '../../lib/discovery/registered-task.interface';
import type { TaskRegistry } from '../../lib/discovery/task.registry';
import type { AfterPartyEvents } from '../../lib/events/after-party.events';
import type { BatchContext, BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { ControlRequest } from '../../lib/interfaces/run-record.interface';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { MemoryBatchLedger } from '../../lib/stores/memory/memory.batch-ledger';
import type { TaskContext } from '../../lib/interfaces/task-context.interface';
import { resolveOptions, type ResolvedAfterPartyOptions } from '../../lib/config/resolve-options';
import { ProgressReporter } from '../../lib/runner/progress-reporter';
import { REDIS } from '../support/redis';

/** The batch ledger in memory (the reference the ledger conformance suite holds the database ledgers to), for in-process runs. */
export class MemoryLedger extends MemoryBatchLedger {}

/** The numbers 1..n as a keyset collection, with `keys` and `range` as distributed tasks need. */
export function numbers(n: number): KeysetCollection<number, number> {
  const all = Array.from({ length: n }, (_, index) => index + 1);
  const after = (cursor: number | undefined): number[] => all.filter((item) => cursor === undefined || item > cursor);
  return {
    page: async (cursor, limit) => after(cursor).slice(0, limit),
    keys: async (cursor, limit) => after(cursor).slice(0, limit),
    range: async (from, last) => after(from).filter((item) => item <= last),
    count: async (cursor) => after(cursor).length,
    cursorOf: (item) => item,
  };
}

/** What a test task records: each batch applied, by number, and the signal it saw. */
export interface Applied {
  batches: number[];
  signals: AbortSignal[];
}

/** A distributed task over `numbers(items)` whose batch work is `work` (applied batches are noted first). */
export function distributedTask(
  name: string,
  instance: BatchedTask<number, number>,
  { size = 5, attempts = 3, concurrency = 2 }: { size?: number; attempts?: number; concurrency?: number } = {},
): DistributedRegisteredTask {
  return {
    version: '20260101000099',
    name,
    description: name,
    className: instance.constructor.name,
    everyDeploy: false,
    transaction: false,
    timeout: null,
    environments: null,
    perTenant: false,
    kind: 'distributed',
    batch: { size, transaction: false, pause: 0, maxBackoff: 100, distribute: { queue: `after-party-${name}`, concurrency, attempts } },
    instance,
  };
}

/** A unique BullMQ prefix per test, removed afterwards by {@link dropPrefix}. */
export function uniquePrefix(): string {
  return `ap-unit-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key of a BullMQ prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS.connection);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

/** Log lines written through Nest's Logger while a test runs (the static logger is replaced). */
export function captureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const record = (level: string) => (message: unknown, context?: string) => lines.push(`${level} [${context ?? ''}] ${String(message)}`);
  Logger.overrideLogger({ log: record('log'), warn: record('warn'), error: record('error'), debug: () => undefined, verbose: () => undefined });
  return { lines, restore: () => Logger.overrideLogger(['log', 'warn', 'error']) };
}

/** One process's view: options, its store (the shared ledger), its DistributionService. */
export interface Node {
  options: ResolvedAfterPartyOptions;
  store: AfterPartyStore;
  distribution: DistributionService;
}

/** Options and services of one in-process "app process" on the shared ledger. */
export function node(ledger: MemoryLedger, prefix: string, distribution: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Node {
  const options = resolveOptions('typeorm', {
    environment: 'test',
    gracePeriod: 2000,
    ...extra,
    distribution: { connection: { ...REDIS.connection, maxRetriesPerRequest: null }, prefix, ...distribution },
  });
  const control: { value: ControlRequest | null } = { value: null };
  const store = {
    capabilities: { batchLedger: ledger },
    readControl: async () => control.value,
    updateRun: async () => undefined,
  } as unknown as AfterPartyStore;
  return { options, store, distribution: new DistributionService(options, {} as ModuleRef) };
}

/** Starts batch workers for `tasks` in an in-process "app process". */
export function startWorkers(ledger: MemoryLedger, prefix: string, tasks: DistributedRegisteredTask[], distribution: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): BatchWorkers & { node: Node } {
  const app = node(ledger, prefix, { workers: true, ...distribution }, extra);
  const registry = { all: () => tasks } as unknown as TaskRegistry;
  const workers = new BatchWorkers(app.options, app.store, registry, app.distribution);
  workers.onApplicationBootstrap();
  return Object.assign(workers, { node: app });
}

/** Stops workers started by {@link startWorkers} (their queues too). */
export async function stopWorkers(workers: BatchWorkers & { node: Node }): Promise<void> {
  await workers.onApplicationShutdown();
  await workers.node.distribution.onApplicationShutdown();
}

/** A run of `task` as the runner makes it, with a progress reporter whose lines are kept. */
export function dispatch(
  app: Node,
  task: DistributedRegisteredTask,
  { terminal = false, resumeFrom }: { terminal?: boolean; resumeFrom?: DistributionCheckpoint } = {},
): { end: Promise<DistributedEnd>; progress: ProgressReporter; lines: string[]; stop(): Promise<void> } {
  const controller = new AbortController();
  const signal = controller.signal;
  const lines: string[] = [];
  const logger = {
    log: (message: string) => lines.push(`log ${message}`),
    warn: (message: string) => lines.push(`warn ${message}`),
    error: (message: string) => lines.push(`error ${message}`),
  };
  const runId = randomUUID();
  const events = { emit: async () => undefined } as unknown as AfterPartyEvents;
  const progress = new ProgressReporter({ version: task.version, name: task.name, runId } as never, app.store, events, logger, terminal);
  const context = { version: task.version, name: task.name, runId, signal, logger } as unknown as TaskContext;
  const end = runDistributed({
    task,
    context,
    signal,
    runId,
    store: app.store,
    progress,
    records: progress.writer,
    logger: logger as unknown as Logger,
    distribution: app.distribution,
    resumeFrom,
    wait: true,
    deadline: null,
    budget: null,
  });
  // A test that ends before its run stops it: the run loop must not outlive the test.
  const stop = async (): Promise<void> => {
    controller.abort(new Error('the test ended'));
    await end.catch(() => undefined);
    await progress.finish();
  };
  return { end, progress, lines, stop };
}

/** Rejects after `ms` with `what` (so that a test that would wait forever fails with a reason). */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms);
    }),
  ]);
}

/** Resolves once `check` holds, polling every 50 ms (a state to wait for, not a time). */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A batched task whose batches are numbers, doing `work` for each batch. */
export class NumbersTask implements BatchedTask<number, number> {
  constructor(
    private readonly n: number,
    private readonly work: (items: number[], ctx: BatchContext) => Promise<void> = async () => undefined,
  ) {}

  collection(): KeysetCollection<number, number> {
    return numbers(this.n);
  }

  async processBatch(items: number[], ctx: BatchContext): Promise<void> {
    await this.work(items, ctx);
  }
}

/**
 * What every test on Redis starts from and leaves behind, set up afresh before each test of the
 * enclosing describe: a BullMQ prefix of its own (its keys deleted afterwards), an empty ledger,
 * Nest's log lines captured, and whatever the test opened closed again, the last opened first.
 */
export interface Sandbox {
  readonly prefix: string;
  readonly ledger: MemoryLedger;
  readonly logs: ReturnType<typeof captureLogs>;
  /** Closes `close` after the test. */
  closeLater(close: () => Promise<unknown>): void;
  /** An in-process app process on the sandbox's ledger and prefix (or `ledger`), shut down after the test. */
  node(distribution?: Record<string, unknown>, extra?: Record<string, unknown>, ledger?: MemoryLedger): Node;
  /** Batch workers for `tasks` on the sandbox's ledger and prefix (or `ledger`), stopped after the test. */
  workers(tasks: DistributedRegisteredTask[], distribution?: Record<string, unknown>, extra?: Record<string, unknown>, ledger?: MemoryLedger): BatchWorkers & { node: Node };
  /** {@link dispatch}, stopped after the test if it has not ended. */
  run(app: Node, task: DistributedRegisteredTask, options?: Parameters<typeof dispatch>[2]): ReturnType<typeof dispatch>;
}

/** The {@link Sandbox} of each test of the enclosing describe. */
export function useSandbox(): Sandbox {
  const closers: Array<() => Promise<unknown>> = [];
  const state = {} as { prefix: string; ledger: MemoryLedger; logs: ReturnType<typeof captureLogs> };
  const closeLater = (close: () => Promise<unknown>): void => {
    closers.push(close);
  };
  beforeEach(() => {
    state.prefix = uniquePrefix();
    state.ledger = new MemoryLedger();
    state.logs = captureLogs();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch(() => undefined);
    }
    state.logs.restore();
    await dropPrefix(state.prefix);
  });
  return {
    get prefix() {
      return state.prefix;
    },
    get ledger() {
      return state.ledger;
    },
    get logs() {
      return state.logs;
    },
    closeLater,
    node(distribution = {}, extra = {}, ledger = state.ledger) {
      const app = node(ledger, state.prefix, distribution, extra);
      closeLater(() => app.distribution.onApplicationShutdown());
      return app;
    },
    workers(tasks, distribution = {}, extra = {}, ledger = state.ledger) {
      const workers = startWorkers(ledger, state.prefix, tasks, distribution, extra);
      closeLater(() => stopWorkers(workers));
      return workers;
    },
    run(app, task, options) {
      const run = dispatch(app, task, options);
      closeLater(run.stop);
      return run;
    },
  };
}
