import { FixtureApp, V } from '../support/fixture-app';
import { describeEachVariant } from '../support/fixture-variants';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';

// Every set, on SQLite: these errors come from the CLI layer (nest-commander) and Nest's bootstrap.
const plan = { nest11: { sqlite: 'full' }, nest12: { sqlite: 'full' }, floors: { sqlite: 'full' } } as const;

/**
 * One line on stderr starting with "after-party:", and nothing recorded. `refusedAtBoot`: the
 * app itself refuses to start, and the command ends with `process.exit`, which only a child
 * process can show; the others run in the test process.
 */
async function expectUsageError(
  app: FixtureApp,
  args: string[],
  env: Record<string, string>,
  pattern: RegExp,
  { refusedAtBoot = false }: { refusedAtBoot?: boolean } = {},
): Promise<void> {
  const result = refusedAtBoot ? await app.start(args, env).result : await app.run(args, env);
  expect(result.code).toBe(2);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('after-party:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(app.effects()).toEqual({});
}

describeEachVariant(
  'usage and configuration errors',
  plan,
  (target, variant, _coverage, inProcess) => {
    let app: FixtureApp;

    beforeEach(() => {
      app = new FixtureApp(target, variant, {}, inProcess);
    });

    afterEach(() => app.cleanupFiles());

    it('exits 2 for an unknown task, naming it, before running anything', async () => {
      await expectUsageError(app, [RUN, 'seed-users', 'nope'], {}, /Unknown task "nope"\. Name tasks by version or name/);
    });

    it('exits 2 for an unknown flag and an unknown command, a colon forgotten included (never starting the app instead)', async () => {
      await expectUsageError(app, [RUN, '--bogus'], {}, /unknown option '--bogus'\. Run the command with --help/);
      await expectUsageError(app, ['after-party:nope'], {}, /unknown command 'after-party:nope'/);
      await expectUsageError(app, ['after-party', 'run'], {}, /unknown command 'after-party'/);
    });

    it('exits 2 when the module handed to runAfterPartyCommand does not import AfterPartyModule, naming the fix', async () => {
      // A child process: the fixture's main.ts picks the root module (AP_ROOT), as an app's would.
      await expectUsageError(app, [RUN], { AP_ROOT: 'bare' }, /does not import AfterPartyModule\. Import AfterPartyModule\.forRoot\(\{ store \}\) in it/, {
        refusedAtBoot: true,
      });
    });

    it("answers --help and a misspelt command without starting the app: its database unreachable, the usage still shows", async () => {
      // A SQLite file under a path that cannot be a folder: booting the app fails.
      const unreachable = { AP_DB_URL: '/dev/null/app.sqlite' };
      const help = await app.run([RUN, '--help'], unreachable);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/^Usage: main after-party:run \[options\] \[tasks\.\.\.\]$/m);
      expect(help.stdout).toContain('--max-duration <time>');
      await expectUsageError(app, ['after-party:rn'], unreachable, /unknown command 'after-party:rn' \(Did you mean after-party:run\?\)/);
      // The same command line without --help boots the app, which fails (a child process: it ends with process.exit).
      const booted = await app.start([RUN], unreachable).result;
      expect(booted.code).toBe(2);
      expect(booted.stderr).toMatch(/after-party: The application could not start/);
    });

    it('exits 2 for an invalid --lock-timeout', async () => {
      await expectUsageError(app, [RUN, '--lock-timeout', 'soon'], {}, /--lock-timeout must be a whole number of milliseconds/);
    });

    it('exits 2 for duplicate versions, naming both classes', async () => {
      await expectUsageError(app, [RUN], { AP_INVALID: 'duplicate' }, /Tasks SeedUsersTask and DuplicateVersionTask both use version 20260101000001/, {
        refusedAtBoot: true,
      });
    });

    it('exits 2 for a version that is not a real UTC date-time', async () => {
      await expectUsageError(
        app,
        [STATUS],
        { AP_INVALID: 'bad-version' },
        /BadVersionTask has an invalid version "20261399000000": it is not a real date and time/,
        { refusedAtBoot: true },
      );
    });

    it('exits 2 for a task class without run()', async () => {
      await expectUsageError(app, [RUN], { AP_INVALID: 'no-run' }, /Task NoRunTask has no run\(\) method/, { refusedAtBoot: true });
    });

    it('exits 2 with one line when the database is unreachable', async () => {
      const result = await app.start([RUN], { AP_DB: 'postgres', AP_DB_URL: 'postgres://postgres@127.0.0.1:1/none' }).result;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^after-party: The application could not start: .*ECONNREFUSED.*Check its configuration/m);
    });

    it('records a non-Error throw as a failure with a readable message', async () => {
      const result = await app.run([RUN, V.throwsString], { AP_EXTRA: 'throw-string' });
      expect(result.code).toBe(1);
      const status = await app.run([STATUS], { AP_EXTRA: 'throw-string' });
      expect(status.stdout).toContain(`${V.throwsString} failed: A non-Error value was thrown: "plain string"`);
    });

    it('aborts a task past its timeout, records it failed with the reason, and exits 1', async () => {
      // The run abandons the task that never settles and ends with process.exit: a child process.
      const result = await app.start([RUN, V.neverSettles], { AP_EXTRA: 'timeout', AP_GRACE_MS: '200' }).result;
      expect(result.code).toBe(1);
      const status = await app.run([STATUS], { AP_EXTRA: 'timeout' });
      expect(status.stdout).toContain(`${V.neverSettles} failed: Timed out after 300 ms`);
    });
  },
  { inProcess: true },
);
