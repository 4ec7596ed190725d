export { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE, AFTER_PARTY_TASK_METADATA, DEFAULT_RECORDS_TABLE, DEPLOY_ID_ENV } from './config/after-party.constants';
export { AfterPartyModule } from './after-party.module';
export { AfterPartyExitCode } from './errors/exit-codes';
export { AfterPartyCliLogger } from './cli/after-party-cli.logger';
export { runAfterPartyCommand } from './cli/run-after-party-command';
export { AfterPartyTask } from './decorators/after-party-task.decorator';
export { mongooseKeyset, type MongooseKeysetOptions } from './batch/mongoose-keyset';
export { typeormKeyset, type TypeOrmKeysetOptions } from './batch/typeorm-keyset';
export * from './errors';
export { AfterPartyEvents } from './events/after-party.events';
export type { AfterPartyEvent, AfterPartyEventType, TaskEventSubject } from './events/after-party-event.interface';
export * from './interfaces';
export { isAfterPartyCommand } from './quiet/is-after-party-command';
export type { RunReport, TaskOutcome } from './interfaces/run-report.interface';
export type { StatusRow, TaskState } from './status/status-row.interface';
export type { BatchCheckpoint } from './batch/batch-loop';
export {
  createAfterPartyMigration,
  createAfterPartyRecordEntity,
  type AfterPartyRecordEntityOptions,
  type AfterPartyRecordsSchemaOptions,
} from './stores/typeorm/records-schema';
export { AfterPartyService } from './api/after-party.service';
export type {
  AfterPartyLockOptions,
  AfterPartyMarkDoneOptions,
  AfterPartyPlanOptions,
  AfterPartyRunOptions,
  AfterPartyStatus,
  PlannedTask,
} from './api/after-party-service-options.interface';
export { OnAfterPartyEvent } from './events/on-after-party-event.decorator';
export type { AfterPartyEventOf } from './events/after-party-event.interface';
export type { ControlDocument, MarkDoneDocument, PlanDocument, ResetDocument, RunReportDocument, StatusDocument, TaskRef } from './operator/operator-documents';
