/** Injection token of the resolved module options (internal: apps inject `AfterPartyService`). */
export const AFTER_PARTY_OPTIONS = 'AFTER_PARTY_OPTIONS';
/** Injection token of the active record store (internal: apps inject `AfterPartyService`). */
export const AFTER_PARTY_STORE = 'AFTER_PARTY_STORE';
/** Token of the raw options given to `forRootAsync` factories (internal). */
export const AFTER_PARTY_ASYNC_OPTIONS = 'AFTER_PARTY_ASYNC_OPTIONS';
/** Metadata key under which `@AfterPartyTask()` stores its options (internal). */
export const AFTER_PARTY_TASK_METADATA = 'after-party:task_metadata';
/** Default name of the records table (TypeORM) or collection (Mongoose). */
export const DEFAULT_RECORDS_TABLE = 'after_party_runs';
/** Default time a runner waits for another runner's lock, in milliseconds. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
/** Default time a task gets to return after SIGTERM/SIGINT, in milliseconds. */
export const DEFAULT_GRACE_PERIOD_MS = 10_000;
/** Default length of the Mongoose store's run lease, in milliseconds. */
export const DEFAULT_LOCK_LEASE_MS = 30_000;
/** Environment variable read for the deploy id when `--deploy-id` is not given. */
export const DEPLOY_ID_ENV = 'AFTER_PARTY_DEPLOY_ID';
/** Prefix shared by every command this library registers. */
export const COMMAND_PREFIX = 'after-party:';
/** The longest delay Node's timers honour (about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Metadata key under which `@OnAfterPartyEvent()` stores the event types a method listens to. */
export const AFTER_PARTY_EVENT_LISTENER_METADATA = 'after-party:event_listener_metadata';
/** On a class with at least one `@OnAfterPartyEvent()` method (inherited by its subclasses): the only classes the explorer scans. */
export const AFTER_PARTY_EVENT_LISTENER_CLASS = 'after-party:event_listener_class';
/** Prefix of the names after-party events have on the app's EventEmitter2 (`after-party.task.completed`). */
export const AFTER_PARTY_EVENT_PREFIX = 'after-party.';

/**
 * Internal token: true where distributed tasks run their batches in the caller's process, one
 * after another (`AfterPartyTestingModule`'s default), instead of on a BullMQ queue.
 */
export const AFTER_PARTY_DISTRIBUTE_IN_PROCESS = 'AFTER_PARTY_DISTRIBUTE_IN_PROCESS';

/** Injection token of the app's tenants source, when `forRoot({ tenants })` gives one (internal). */
export const AFTER_PARTY_TENANTS = 'AFTER_PARTY_TENANTS';
