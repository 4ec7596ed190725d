import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, contextAs, DashboardServer, findChromium, launchChromium } from '../support/dashboard-browser';
import { FixtureApp, V, type RunningCli } from '../support/fixture-app';
import { STORE_TARGETS } from '../support/stores';
import { openDatabase, type TestDatabase } from '../support/test-database';

// What the functions run in the page see (this project compiles without the DOM's types).
/** What the page's functions use of the browser's DOM (the spec is compiled without the DOM library). */
interface PageElement {
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  seen?: boolean;
}
declare const document: { querySelector(selector: string): PageElement | null; activeElement: PageElement | null };
declare const window: { sameDocument?: boolean };
declare class EventSource {
  constructor(url: string);
  onmessage: (() => void) | null;
  close(): void;
}

const BATCHED = '20260101000020';
const OPS = 'ops@example.com';
const DOCS = resolve(__dirname, '../../docs');
const CHROMIUM = findChromium();
if (!CHROMIUM) {
  // Skipped tests of a wholly skipped file are not listed: say so where it shows.
  process.stderr.write('\nNOTICE: no chromium on this machine (apt-get install -y chromium, or set CHROMIUM_PATH): the dashboard browser suite is SKIPPED\n');
}

/** The fixture app's environment in every process of this file: the batched task among its tasks, in batches of 10. */
const ENV = { AP_EXTRA: 'batched', AP_BATCH_SIZE: '10' };

/** In the page: resolves once the live stream has sent a new view (its first message is the view as it was). */
function nextLiveView(): Promise<void> {
  const body = document.querySelector('body')!;
  const query = ['view', 'task', 'offset'].map((key) => `${key}=${encodeURIComponent(body.getAttribute(`data-${key}`) ?? '')}`).join('&');
  return new Promise((resolve) => {
    const stream = new EventSource(`${body.getAttribute('data-base')}/events?${query}`);
    let messages = 0;
    stream.onmessage = () => {
      messages += 1;
      if (messages === 2) {
        stream.close();
        resolve();
      }
    };
  });
}

// One browser and one dashboard server for the whole file (a launch and a boot cost seconds);
// the tests build on each other's records, in order, as an operator's session would.
(CHROMIUM ? describe : describe.skip)(
  CHROMIUM ? 'the dashboard in a real browser (chromium; Express, and Fastify; SQLite)' : 'the dashboard in a real browser [SKIPPED: no chromium on this machine: apt-get install -y chromium]',
  () => {
    const target = STORE_TARGETS.find((candidate) => candidate.name === 'sqlite')!;
    let browser: Browser;
    let app: FixtureApp;
    let db: TestDatabase;
    let server: DashboardServer;
    let origin: string;
    let ops: BrowserContext;
    const errors: string[] = [];
    /** Command processes a test started, stopped at the end whatever happened. */
    const started: RunningCli[] = [];

    const base = () => `${origin}/ops/after-party`;

    async function open(path: string, context: BrowserContext = ops): Promise<Page> {
      const page = await context.newPage();
      collectErrors(page, errors);
      const response = await page.goto(`${base()}${path}`);
      expect(response?.status()).toBe(200);
      await page.waitForSelector('#live[data-state="live"]');
      return page;
    }

    /** The batched task's row of `after-party:status --json`, read by a command process as an operator would. */
    async function statusOfBatched(): Promise<{ state: string }> {
      const status = await app.run(['after-party:status', '--json'], ENV);
      return JSON.parse(status.stdout).tasks.find((row: { version: string }) => row.version === BATCHED);
    }

    /** Clicks an action's button, confirms, and returns the one line the page answers with. */
    async function act(page: Page, action: string): Promise<string> {
      await page.click(`button[data-action="${action}"]`);
      // The view holds still while the confirmation is open, and says so.
      expect(await page.textContent('#live')).toBe('held while you confirm');
      await page.click('#flash button.confirm');
      await page.waitForSelector('#flash.ok, #flash.error');
      return (await page.textContent('#flash .text')) ?? '';
    }

    beforeAll(async () => {
      [browser, app] = await Promise.all([launchChromium(CHROMIUM!), new FixtureApp(target)]);
      db = await openDatabase(target, app);
      await db.seedItems(200);
      server = new DashboardServer(app, ENV);
      origin = await server.origin();
      ops = await contextAs(browser, OPS);
    });

    afterAll(async () => {
      for (const cli of started) {
        cli.child.kill('SIGKILL');
      }
      await browser?.close();
      await server?.stop();
      await db?.close();
      app?.cleanupFiles();
    });

    it('refuses an anonymous request through the app guard', async () => {
      const anonymous = await contextAs(browser, null);
      const page = await anonymous.newPage();
      expect((await page.goto(`${base()}`))?.status()).toBe(403);
      expect((await page.goto(`${base()}/tasks/${BATCHED}`))?.status()).toBe(403);
      await anonymous.close();
    });

    it('lists every task on the overview, grouped by state, and shows a failure with its full error', async () => {
      const run = await app.run(['after-party:run'], { ...ENV, AP_FAIL: V.backfill });
      expect(run.code).toBe(1);
      const page = await open('');
      expect(await page.textContent('#group-completed')).toContain('seed-users');
      expect(await page.textContent('#group-attention')).toMatch(/failed[\s\S]*backfill-slugs[\s\S]*task 20260101000002 was told to fail/);
      expect(await page.textContent('#group-pending')).toMatch(/warm-cache[\s\S]*batched-items/);
      // The link pressed while the view changes under the pointer (the run's "s ago" changes every
      // second): the view holds until the release, so the click still lands on the link.
      await page.hover('#group-attention a:text("backfill-slugs")');
      await page.mouse.down();
      await page.evaluate(nextLiveView);
      await page.mouse.up();
      await page.waitForSelector('section.history pre.error');
      expect(await page.textContent('section.history pre.error')).toContain('task 20260101000002 was told to fail');
      expect(await page.textContent('h1')).toContain('failed');
      await page.close();
    });

    it('follows a batched task running in another process, pauses it from the page (status agrees) and resumes it from the page', async () => {
      const page = await open(`/tasks/${BATCHED}`);
      await page.evaluate(() => (window.sameDocument = true));
      // 20 batches of 10, 450 ms each: several progress saves (at most one per 2 s) before batch 18 waits at the gate.
      const gate = join(app.dir, 'gate-18');
      const runner = app.start(['after-party:run', BATCHED], { ...ENV, AP_BATCH_DELAY_MS: '450', AP_BATCH_GATE_AT: '18', AP_BATCH_GATE_FILE: gate });
      started.push(runner);

      // The progress bar moves without a reload, from the records the other process writes.
      const progress = async () => Number(await page.getAttribute('section.current progress', 'value'));
      await page.waitForSelector('section.current progress');
      await page.waitForFunction(() => Number(document.querySelector('section.current progress')?.getAttribute('value')) > 0, undefined, { timeout: 30_000 });
      const first = await progress();
      await page.waitForFunction((seen) => Number(document.querySelector('section.current progress')?.getAttribute('value')) > seen, first, { timeout: 30_000 });
      expect(await progress()).toBeGreaterThan(first);

      // A live update keeps what the reader did: the checkpoint they opened, the button the keyboard is on.
      await page.click('details[data-key] summary');
      await page.focus('button[data-action="pause"]');
      await page.evaluate(() => ((document.querySelector('#view section') as PageElement).seen = true));
      await page.waitForFunction(() => !(document.querySelector('#view section') as PageElement).seen, undefined, { timeout: 30_000 });
      expect(
        await page.evaluate(() => ({ open: document.querySelector('details[data-key]')?.hasAttribute('open'), focus: document.activeElement?.getAttribute('data-action') })),
      ).toEqual({ open: true, focus: 'pause' });
      await runner.waitFor('batch 18 applied', 30_000);

      const overview = await open('');
      await overview.waitForSelector('#group-running progress');
      mkdirSync(DOCS, { recursive: true });
      await overview.screenshot({ path: join(DOCS, 'dashboard-overview.png'), fullPage: true });
      await overview.close();
      await page.screenshot({ path: join(DOCS, 'dashboard-task.png'), fullPage: true });

      expect(await act(page, 'pause')).toContain('Asked the runner of 20260101000020 batched-items to pause it after its current batch');
      writeFileSync(gate, 'open');
      expect((await runner.result).code).toBe(5);
      expect((await statusOfBatched()).state).toBe('paused');
      await page.waitForSelector('h1 .badge-paused');
      expect(await page.$('button[data-action="pause"]')).toBeNull();

      // The two batches left may finish before the answer: it says so then, instead of that it started.
      expect(await act(page, 'resume')).toMatch(/^(Started 20260101000020 batched-items on .* \(pid \d+\), under the run lock|20260101000020 batched-items ended completed\.$)/);
      await page.waitForSelector('h1 .badge-completed', { timeout: 20_000 });
      expect(await page.evaluate(() => window.sameDocument)).toBe(true);
      expect((await statusOfBatched()).state).toBe('completed');
      expect(new Set(await db.hits())).toEqual(new Set([1]));
      expect(await page.textContent('section.history')).toContain(OPS);
      await page.close();
    });

    it('offers no action on a read-only dashboard', async () => {
      const page = await ops.newPage();
      collectErrors(page, errors);
      expect((await page.goto(`${origin}/ops/after-party-read-only/tasks/${V.backfill}`))?.status()).toBe(200);
      await page.waitForSelector('#live[data-state="live"]');
      expect(await page.$$('button[data-action]')).toEqual([]);
      expect(await page.textContent('main')).toContain('Read-only dashboard: no action is offered.');
      await page.close();
    });

    it('falls back to polling when the live stream is cut, and still follows the records', async () => {
      const page = await ops.newPage();
      // The stream is refused on purpose here: the browser logs that, so this page's console is not collected.
      await page.route('**/events?*', (route) => route.abort());
      expect((await page.goto(`${base()}/tasks/${V.backfill}`))?.status()).toBe(200);
      await page.waitForSelector('#live[data-state="polling"]');
      expect(await page.textContent('h1')).toContain('failed');
      expect((await app.run(['after-party:mark-done', V.backfill], ENV)).code).toBe(0);
      await page.waitForSelector('h1 .badge-marked', { timeout: 20_000 });
      await page.close();
    });

    it('serves the same pages, live, and takes an action on Fastify', async () => {
      const fastify = new DashboardServer(app, { ...ENV, AP_PLATFORM: 'fastify' });
      try {
        const page = await ops.newPage();
        collectErrors(page, errors);
        expect((await page.goto(`${await fastify.origin()}/ops/after-party/tasks/warm-cache`))?.status()).toBe(200);
        await page.waitForSelector('#live[data-state="live"]');
        expect(await act(page, 'mark-done')).toBe('Marked 1 task as done without running: 20260101000003 warm-cache');
        await page.waitForSelector('h1 .badge-marked');
        expect(await page.textContent('section.history')).toContain(OPS);
        await page.close();
      } finally {
        await fastify.stop();
      }
    });

    it('keeps one live stream open through a dozen actions (it used to open another every tenth)', async () => {
      const page = await ops.newPage();
      collectErrors(page, errors);
      // Counts the page's open event streams.
      await page.addInitScript({
        content: `(() => {
          const Native = window.EventSource;
          window.openStreams = 0;
          window.EventSource = class extends Native {
            constructor(url, init) { super(url, init); window.openStreams += 1; }
            close() { if (this.readyState !== 2) { window.openStreams -= 1; } super.close(); }
          };
        })();`,
      });
      expect((await page.goto(`${base()}/tasks/${V.seed}`))?.status()).toBe(200);
      await page.waitForSelector('#live[data-state="live"]');
      for (let i = 0; i < 6; i++) {
        expect(await act(page, 'reset')).toContain('20260101000001 seed-users');
        await page.waitForSelector('button[data-action="mark-done"]');
        expect(await act(page, 'mark-done')).toBe('Marked 1 task as done without running: 20260101000001 seed-users');
        await page.waitForSelector('button[data-action="reset"]');
      }
      expect(await page.evaluate('window.openStreams')).toBe(1);
      expect(await page.textContent('#live')).toBe('live');
      await page.close();
    });

    it('kept the browser console free of errors and CSP violations on every page', () => {
      expect(errors).toEqual([]);
    });
  },
);
