export { AfterPartyDashboardModule } from './dashboard.module';
export type {
  AfterPartyDashboardActor,
  AfterPartyDashboardAsyncOptions,
  AfterPartyDashboardOptions,
  AfterPartyDashboardRuntimeOptions,
} from './dashboard-options.interface';
