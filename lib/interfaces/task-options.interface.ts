/** Options of the {@link AfterPartyTask} decorator. */
export interface AfterPartyTaskOptions {
  /**
   * The task's version: a 14-digit UTC timestamp `YYYYMMDDHHMMSS`, unique in the app.
   * Tasks run in ascending version order. The task schematic sets it for you.
   */
  version: string;
  /** A sentence shown by `after-party:status`. */
  description?: string;
  /**
   * A stable, human-friendly name used in logs, records and `after-party:run <name>`;
   * unique in the app. The task schematic always writes it: the name you typed, in kebab
   * case as in the file name, so `nest g task sync-3d-models` makes a task that
   * `after-party:run sync-3d-models` finds.
   *
   * Left out, it is derived from the class name: kebab case without a `Task` suffix, with
   * digits kept on the word before them (`BackfillUserSlugsTask` becomes
   * `backfill-user-slugs`, `BackfillV2Task` becomes `backfill-v2`, `Sync3dModelsTask`
   * becomes `sync3d-models`). A class name cannot tell `sync-3d` from `sync3d`: set the
   * name when the derived one is not the one you want to type.
   */
  name?: string;
  /**
   * Run on every deploy instead of once per environment: once per deploy id when one is
   * given (`--deploy-id` or `AFTER_PARTY_DEPLOY_ID`), otherwise on every `after-party:run`.
   * @default false
   */
  everyDeploy?: boolean;
  /**
   * SQL stores only: run the task in a database transaction whose `EntityManager` is
   * `ctx.manager`; the completion record is written in the same transaction, so the
   * task's writes and its "completed" record commit (or roll back) together.
   * @default false
   */
  transaction?: boolean;
  /**
   * Abort the task (through `ctx.signal`) and record it as failed when it runs longer
   * than this many milliseconds (at most 2147483647, about 24.8 days).
   */
  timeout?: number;
  /**
   * Run only where the module's `environment` is one of these (e.g. `['production']`).
   * Elsewhere the task is never pending and `after-party:status` shows it as skipped.
   */
  environments?: string[];
}
