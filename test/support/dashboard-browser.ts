import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FixtureApp } from './fixture-app';
import { FIXTURE_VARIANTS } from './fixture-variants';

/** Debian's chromium, or the one CHROMIUM_PATH names; null when this machine has none. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) {
    return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Launches chromium headless (as root it needs --no-sandbox). */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The longest a dashboard server may live: no browser suite runs this long. */
const SERVER_LIFETIME_MS = 5 * 60 * 1000;
const LISTENING = 'fixture dashboard listening on ';

/**
 * The fixture app as a web server with the dashboard mounted (test/fixtures/app/src/dashboard-main.ts),
 * on the fixture app's database and table, with its environment.
 */
export class DashboardServer {
  readonly child: ChildProcess;
  private output = '';
  private readonly closed: Promise<void>;

  constructor(app: FixtureApp, env: Record<string, string> = {}) {
    const main = join(dirname(FIXTURE_VARIANTS.nest11.main), 'dashboard-main.js');
    this.child = spawn(process.execPath, [main], { env: app.env(env), cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const watchdog = setTimeout(() => this.child.kill('SIGKILL'), SERVER_LIFETIME_MS);
    watchdog.unref();
    this.child.stdout?.on('data', (chunk) => (this.output += chunk));
    this.child.stderr?.on('data', (chunk) => (this.output += chunk));
    this.closed = new Promise((resolve) => this.child.on('close', () => (clearTimeout(watchdog), resolve())));
  }

  /** The server's origin, once it listens. */
  async origin(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(LISTENING)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`the dashboard server did not start; its output:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return (/fixture dashboard listening on (\S+)/.exec(this.output) as RegExpExecArray)[1];
  }

  /** What the server logged so far. */
  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.closed;
  }
}

/** What a page logged as an error, and the errors it threw: a page that works logs neither, nor any CSP violation. */
export function collectErrors(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      into.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => into.push(`page error: ${error.message}`));
}

/** A browser context whose requests carry the fixture guard's user header (or none: anonymous). */
export function contextAs(browser: Browser, user: string | null): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1280, height: 860 },
    colorScheme: 'light',
    extraHTTPHeaders: user ? { 'x-fixture-user': user } : {},
  });
}
