import type { AfterPartyTaskOptions } from '../interfaces/task-options.interface';

/** A provider found carrying `@AfterPartyTask()` metadata, before validation. */
export interface TaskCandidate {
  className: string;
  options: AfterPartyTaskOptions;
  /** The provider instance; undefined for request-scoped providers. */
  instance: unknown;
  /** Request-scoped or transient providers cannot serve as tasks. */
  scope: 'static' | 'request' | 'transient';
}
