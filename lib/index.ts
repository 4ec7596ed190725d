// The main entry, `after-party`: what an app imports to declare, run and watch deploy tasks.
// Nothing here imports an optional peer's types: the store helpers are `after-party/typeorm`
// and `after-party/mongoose`, the spec helpers `after-party/testing`, the health indicator
// `after-party/terminus`. Stores, tokens and metadata keys stay internal.
export { AfterPartyModule } from './after-party.module';
export { runAfterPartyCommand } from './commands/run-after-party-command';
export { isAfterPartyCommand } from './quiet/is-after-party-command';
export { AfterPartyTask } from './decorators/after-party-task.decorator';
export * from './interfaces';
export { AfterPartyService } from './api/after-party.service';
export type {
  AfterPartyLockOptions,
  AfterPartyMarkDoneOptions,
  AfterPartyPlanOptions,
  AfterPartyProvisionOptions,
  AfterPartyRunOptions,
  AfterPartyStatus,
  PlannedTask,
} from './api/after-party-service-options.interface';
export type { RunReport, TaskOutcome, TenantFailure, TenantRunSummary } from './interfaces/run-report.interface';
export type { StatusRow, TaskState, TenantCounts, TenantPairRow } from './status/status-row.interface';
export type { AfterPartyTenants, AfterPartyTenantsProvider, TenantHandle } from './interfaces/tenants.interface';
export { currentTenant } from './tenants/tenant-context';
export { AfterPartyEvents } from './events/after-party.events';
export { OnAfterPartyEvent } from './events/on-after-party-event.decorator';
export type { AfterPartyEvent, AfterPartyEventOf, AfterPartyEventType, TaskEventSubject } from './events/after-party-event.interface';
export { AfterPartyExitCode } from './errors/exit-codes';
export * from './errors';
export type { ControlDocument, MarkDoneDocument, PlanDocument, ResetDocument, RunReportDocument, StatusDocument, TaskRef } from './operator/operator-documents';
