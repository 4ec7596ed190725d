// The public interfaces of the main entry. The store's interface (store.interface.ts) and the
// records' internal shapes stay out: apps reach the records through AfterPartyService.
export * from './after-party-options.interface';
export * from './batched-task.interface';
export * from './deploy-task.interface';
export type { TaskProgressSnapshot, TaskRunStatus } from './run-record.interface';
export * from './task-context.interface';
export * from './task-options.interface';
