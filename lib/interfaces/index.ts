export * from './after-party-options.interface';
export * from './batched-task.interface';
export * from './deploy-task.interface';
export * from './run-record.interface';
export * from './store.interface';
export * from './task-context.interface';
export * from './task-options.interface';
