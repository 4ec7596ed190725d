import { Injectable, Logger, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AfterPartyModule, AfterPartyService, AfterPartyTask, type BatchedTask, type DeployTask, type KeysetCollection } from '../../lib';
import { AfterPartyDashboardModule, type AfterPartyDashboardOptions } from '../../lib/dashboard';
import { CONTENT_SECURITY_POLICY } from '../../lib/dashboard/dashboard-security';
import { AFTER_PARTY_STORE } from '../../lib/config/after-party.constants';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { Gate } from '../support/gate';
import { runRecord } from '../support/run-records';

/** The app's own service, injected by its guard. */
@Injectable()
class Users {
  byToken(token: string | undefined): { email: string } | null {
    return token === 'secret' ? { email: 'ops@example.com' } : null;
  }
}

/** An app guard: a bearer token names the user, set on the request as `user`. */
@Injectable()
class TokenGuard implements CanActivate {
  constructor(private readonly users: Users) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    request.user = this.users.byToken(String(request.headers.authorization ?? '').replace(/^Bearer /, ''));
    return request.user !== null;
  }
}

@Injectable()
class Gates extends Gate {}

@AfterPartyTask({ version: '20260101000001', description: 'Seed <users> & friends' })
class SeedTask implements DeployTask {
  async run(): Promise<void> {}
}

@AfterPartyTask({ version: '20260101000002', description: 'Fails loudly' })
class FailingTask implements DeployTask {
  async run(): Promise<void> {
    throw new Error('the <script> tag failed\nsecond line of the error');
  }
}

/** Six items in batches of two; the second batch waits at the gate. */
@AfterPartyTask({ version: '20260101000003', description: 'Six items', batch: { size: 2 } })
class ItemsTask implements BatchedTask<number, number> {
  constructor(private readonly gates: Gates) {}
  collection(): KeysetCollection<number, number> {
    const items = [1, 2, 3, 4, 5, 6];
    return { page: async (after, limit) => items.filter((item) => after === undefined || item > after).slice(0, limit), cursorOf: (item) => item, count: async () => 6 };
  }
  async processBatch(items: number[]): Promise<void> {
    if (items[0] === 3) {
      await this.gates.hold();
    }
  }
}

type Platform = 'express' | 'fastify';

async function start(platform: Platform, dir: string, dashboard: AfterPartyDashboardOptions): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'better-sqlite3', database: join(dir, 'records.sqlite') }),
      AfterPartyModule.forRoot({ store: 'typeorm', lockTimeout: 2000 }),
      AfterPartyDashboardModule.forRoot(dashboard),
    ],
    providers: [Users, Gates, SeedTask, FailingTask, ItemsTask],
  }).compile();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/ops/after-party` };
}

const AUTH = { authorization: 'Bearer secret' };

/** The CSRF cookie and token a page hands out. */
async function session(url: string): Promise<{ cookie: string; token: string }> {
  const page = await fetch(`${url}`, { headers: AUTH });
  const cookie = String(page.headers.get('set-cookie')).split(';')[0];
  const token = /name="after-party-csrf" content="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { cookie, token };
}

function act(url: string, task: string, action: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/tasks/${task}/actions/${action}`, { method: 'POST', headers: { ...AUTH, ...headers } });
}

describe.each<Platform>(['express', 'fastify'])('the dashboard on %s', (platform) => {
  let dir: string;
  let app: INestApplication;
  let url: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'after-party-dashboard-'));
    ({ app, url } = await start(platform, dir, { path: '/ops/after-party/', guards: [TokenGuard], actor: 'user.email' }));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    app.get(Gates).release();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the overview behind the app guard, with a strict CSP, escaped text and the assets of the package', async () => {
    expect((await fetch(`${url}`)).status).toBe(403);
    const page = await fetch(`${url}`, { headers: AUTH });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('set-cookie')).toMatch(/^after-party-csrf=[\w-]{32}; Path=\/ops\/after-party; HttpOnly; SameSite=Strict$/);
    const html = await page.text();
    expect(html).toContain('Seed &lt;users&gt; &amp; friends');
    expect(html).not.toMatch(/<script>|style=|<style/);
    const css = await fetch(`${url}/assets/dashboard.css`, { headers: AUTH });
    expect([css.status, css.headers.get('content-type'), css.headers.get('content-security-policy')]).toEqual([200, 'text/css; charset=utf-8', CONTENT_SECURITY_POLICY]);
    expect((await fetch(`${url}/assets/dashboard.js`, { headers: AUTH })).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${url}/assets/other.js`, { headers: AUTH })).status).toBe(404);
    const missing = await fetch(`${url}/tasks/no-such-task`, { headers: AUTH });
    expect([missing.status, missing.headers.get('content-type'), missing.headers.get('content-security-policy')]).toEqual([404, 'text/html; charset=utf-8', CONTENT_SECURITY_POLICY]);
    expect(await missing.text()).toMatch(/<h1>Not found<\/h1>\n<p>Unknown task &quot;no-such-task&quot;/);
    expect((await fetch(`${url}/fragment?view=task&task=no-such-task`, { headers: AUTH })).status).toBe(404);
    expect((await fetch(`${url}`)).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('takes an action only with the CSRF token of its cookie and from its own origin, and records who did it', async () => {
    const { cookie, token } = await session(url);
    expect((await act(url, '20260101000001', 'mark-done', { cookie })).status).toBe(403);
    expect((await act(url, '20260101000001', 'mark-done', { cookie, 'x-after-party-csrf': token, origin: 'https://evil.example' })).status).toBe(403);
    const done = await act(url, '20260101000001', 'mark-done', { cookie, 'x-after-party-csrf': token });
    expect([done.status, await done.json()]).toEqual([200, { ok: true, message: 'Marked 1 task as done without running: 20260101000001 seed' }]);
    // Refused by the task's state: 409, so that a client checking the status sees a refusal.
    const again = await act(url, '20260101000001', 'mark-done', { cookie, 'x-after-party-csrf': token });
    expect([again.status, await again.json()]).toEqual([
      409,
      { ok: false, message: '20260101000001 seed is marked now, and mark-done is not offered in that state: the page was out of date.' },
    ]);
    const unknown = await act(url, 'no-such-task', 'reset', { cookie, 'x-after-party-csrf': token });
    expect([unknown.status, ((await unknown.json()) as { ok: boolean }).ok]).toEqual([404, false]);
    const task = await (await fetch(`${url}/tasks/seed`, { headers: AUTH })).text();
    expect(task).toContain('ops@example.com');
    expect(task).toContain('data-action="reset"');
  });

  it('runs a task from the page in this process, shows its full error, and pages its history', async () => {
    const { cookie, token } = await session(url);
    const headers = { cookie, 'x-after-party-csrf': token };
    const ran = await (await act(url, 'failing', 'run', headers)).json();
    expect(ran).toEqual({ ok: false, message: '20260101000002 failing ended failed: the <script> tag failed' });
    for (let i = 0; i < 2; i++) {
      await act(url, 'failing', 'run', headers);
    }
    const task = await (await fetch(`${url}/tasks/20260101000002?offset=1`, { headers: AUTH })).text();
    expect(task).toContain('the &lt;script&gt; tag failed\nsecond line of the error');
    expect(task.match(/<tr data-run=/g)).toHaveLength(2);
    expect(task).toContain('rel="prev"');
    const service = app.get(AfterPartyService);
    expect((await service.status()).tasks.find((row) => row.version === '20260101000002')?.state).toBe('failed');
  });

  it('pauses a running batched task from the page, streams its progress, and offers resume', async () => {
    const { cookie, token } = await session(url);
    const headers = { cookie, 'x-after-party-csrf': token };
    expect(await (await act(url, 'items', 'run', headers)).json()).toMatchObject({ ok: true, message: expect.stringContaining('Started 20260101000003 items on') });
    await app.get(Gates).arrived;
    const stream = await fetch(`${url}/events?view=task&task=items`, { headers: AUTH });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(first).toMatch(/^\s*id: 1\s+data: \{"html":".*\d \/ 6 \(\d+%\)/s);
    expect(first).toContain('data-action=\\"pause\\"');
    expect(await (await act(url, 'items', 'pause', headers)).json()).toMatchObject({ ok: true });
    // The runner reads requests at most once a second: move its clock past that instead of waiting.
    const now = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => now() + 5000);
    app.get(Gates).release();
    const service = app.get(AfterPartyService);
    for (let i = 0; i < 100 && (await service.status()).tasks.find((row) => row.version === '20260101000003')?.state !== 'paused'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const page = await (await fetch(`${url}/tasks/items`, { headers: AUTH })).text();
    expect(page).toContain('data-action="resume"');
    expect(page).not.toContain('data-action="pause"');
    // Who asked for the pause is on the paused run's record.
    expect(page).toContain('Paused on the request of ops@example.com after a batch; after-party:run resumes it');
  });

  it('answers the live stream of a task or a view that does not exist with 404, as its page, and logs nothing', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const stream = await fetch(`${url}/events?view=task&task=no-such-task`, { headers: AUTH });
    expect(stream.status).toBe(404);
    expect(await stream.text()).toContain('Unknown task');
    const view = await fetch(`${url}/events?view=bogus`, { headers: AUTH });
    expect([view.status, await view.text()]).toEqual([404, expect.stringContaining('No such view: \\"bogus\\" (the views are overview and task).')]);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('the dashboard module', () => {
  it('refuses to start without a guard unless read-only or public, or with a guard that is not one, saying how in one line', async () => {
    const start = async (dashboard: Parameters<typeof AfterPartyDashboardModule.forRoot>[0]) =>
      (
        await Test.createTestingModule({
          imports: [
            TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:' }),
            AfterPartyModule.forRoot({ store: 'typeorm' }),
            AfterPartyDashboardModule.forRoot(dashboard),
          ],
        }).compile()
      ).close();
    await expect(start({})).rejects.toThrow(
      'AfterPartyDashboardModule refuses to serve actions without a guard: pass guards: [YourAuthGuard] (or readOnly: true, or public: true when the app guards it otherwise).',
    );
    await expect(start({ guards: [undefined as never] })).rejects.toThrow(
      'AfterPartyDashboardModule: guards[0] is undefined, not a guard: pass the guard\'s class (or an instance with canActivate; an import cycle can leave it undefined where the module is imported).',
    );
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const openWarnings = () => warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('read-only dashboard'));
    await expect(start({ readOnly: true })).resolves.toBeUndefined();
    expect(openWarnings()).toEqual([
      "The read-only dashboard at /after-party has no guard: anyone who reaches the app can read its tasks' records and errors. Pass guards: [YourAuthGuard], or public: true if the app guards it otherwise.",
    ]);
    await expect(start({ public: true })).resolves.toBeUndefined();
    await expect(start({ public: true, readOnly: true })).resolves.toBeUndefined();
    await expect(start({ guards: [TokenGuard], readOnly: true })).resolves.toBeUndefined();
    expect(openWarnings()).toHaveLength(1);
    warn.mockRestore();
    expect(() => AfterPartyDashboardModule.forRoot({ public: true, path: '../x?' })).toThrow(/path must be a plain URL path/);
  });

  it('serves nothing in a deploy hook\'s process (an after-party:* command)', () => {
    const argv = process.argv;
    process.argv = [argv[0], 'dist/main.js', 'after-party:run'];
    try {
      expect(AfterPartyDashboardModule.forRoot({ guards: [TokenGuard] }).controllers).toEqual([]);
    } finally {
      process.argv = argv;
    }
    expect(AfterPartyDashboardModule.forRoot({ guards: [TokenGuard] }).controllers).toHaveLength(1);
  });

  it('read-only: offers no action and refuses every action request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'after-party-dashboard-'));
    const { app, url } = await start('express', dir, { path: 'ops/after-party', readOnly: true });
    try {
      const { cookie, token } = await session(url);
      const html = await (await fetch(`${url}/tasks/seed`)).text();
      expect(html).not.toContain('data-action=');
      expect(html).toContain('Read-only dashboard');
      const refused = await act(url, 'seed', 'mark-done', { cookie, 'x-after-party-csrf': token });
      expect([refused.status, await refused.json()]).toEqual([403, { ok: false, message: 'This dashboard is read-only: it takes no action.' }]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts a banner on the overview for a run recorded running whose runner holds no lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'after-party-dashboard-'));
    const { app, url } = await start('express', dir, { path: 'ops/after-party', public: true });
    try {
      const store = app.get<AfterPartyStore>(AFTER_PARTY_STORE);
      await store.prepare();
      await store.insertRun(runRecord('20260101000001', { name: 'seed', startedAt: new Date().toISOString() }));
      const html = await (await fetch(url)).text();
      expect(html).toContain('No runner holds the run lock, yet 20260101000001 seed is recorded running');
      expect(html).toMatch(/id="group-running"[\s\S]*seed/);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each<Platform>(['express', 'fastify'])('ends its live streams when the app shuts down (%s), so an open page does not hold the server', async (platform) => {
    const dir = mkdtempSync(join(tmpdir(), 'after-party-dashboard-'));
    const { app, url } = await start(platform, dir, { path: 'ops/after-party', public: true });
    try {
      const reader = (await fetch(`${url}/events?view=overview`)).body!.getReader();
      expect((await reader.read()).done).toBe(false);
      const closed = app.close();
      let done = false;
      while (!done) {
        done = (await reader.read()).done;
      }
      await closed;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an option it does not know, naming the one meant, and a page size past 100', async () => {
    const start = async (dashboard: object) =>
      (
        await Test.createTestingModule({
          imports: [
            TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:' }),
            AfterPartyModule.forRoot({ store: 'typeorm' }),
            AfterPartyDashboardModule.forRoot(dashboard as AfterPartyDashboardOptions),
          ],
        }).compile()
      ).close();
    // With a guard, a misspelt readOnly would leave every action on.
    await expect(start({ guards: [TokenGuard], readonly: true })).rejects.toThrow('AfterPartyDashboardModule.forRoot: unknown option "readonly" (did you mean readOnly?).');
    await expect(start({ guards: [TokenGuard], refreshIntervall: 500 })).rejects.toThrow(/unknown option "refreshIntervall" \(did you mean refreshInterval\?\)/);
    await expect(start({ guards: [TokenGuard], theme: 'dark' })).rejects.toThrow(
      'AfterPartyDashboardModule.forRoot: unknown option "theme" (the options are path, guards, imports, readOnly, public, actor, stuckAfter, refreshInterval, pageSize).',
    );
    await expect(start({ guards: [TokenGuard], pageSize: 500 })).rejects.toThrow('AfterPartyDashboardModule: pageSize must be at most 100, not 500.');
    const fromFactory = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:' }),
        AfterPartyModule.forRoot({ store: 'typeorm' }),
        AfterPartyDashboardModule.forRootAsync({ path: 'ops', guards: [TokenGuard], useFactory: () => ({ readonly: true }) as never }),
      ],
    }).compile();
    await expect(fromFactory).rejects.toThrow('AfterPartyDashboardModule.forRootAsync\'s factory: unknown option "readonly" (did you mean readOnly?).');
  });

  it('forRootAsync takes its options from a factory and checks them once it resolves', async () => {
    const make = async (readOnly: boolean) =>
      Test.createTestingModule({
        imports: [
          TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:' }),
          AfterPartyModule.forRoot({ store: 'typeorm' }),
          AfterPartyDashboardModule.forRootAsync({ path: 'ops', useFactory: async () => ({ readOnly }) }),
        ],
      }).compile();
    await expect(make(false)).rejects.toThrow(/refuses to serve actions without a guard/);
    const moduleRef = await make(true);
    await moduleRef.close();
  });
});
