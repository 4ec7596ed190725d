/** Options of the `task` and `every-deploy-task` schematics, and the base of `batch-task`'s (see schema.json). */
export interface TaskOptions {
  /** Task name, e.g. `backfill-user-slugs`. */
  name?: string;
  /** What the task does; defaults to a sentence made from the name. */
  description?: string;
  /** Folder, relative to the source root, that holds the deploy-tasks folder. */
  path?: string;
  /** The application's source root. */
  sourceRoot?: string;
  /** Put the task directly in `path`, without a deploy-tasks folder. */
  flat?: boolean;
  /** Generate a spec file. */
  spec?: boolean;
  /** Suffix of the spec file name. */
  specFileSuffix?: string;
  /** Do not register the task in the deploy tasks module. */
  skipImport?: boolean;
  /** Project language passed by the Nest CLI; only `ts` is supported. */
  language?: string;
  /** Passed by the Nest CLI; generated code is already formatted. */
  format?: boolean;
  /** Passed by the Nest CLI; unused. */
  collection?: string;
  /** Passed by the Nest CLI in monorepos; unused. */
  project?: string;
}
