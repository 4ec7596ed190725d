// The `after-party/typeorm` entry: helpers for apps on the TypeORM store. Their types import
// typeorm, an optional peer, so they stay out of the main entry: an app without typeorm
// compiles against `after-party` with `skipLibCheck: false`.
export { typeormKeyset, type TypeOrmKeysetOptions } from '../batch/typeorm-keyset';
export {
  createAfterPartyMigration,
  createAfterPartyRecordEntity,
  type AfterPartyRecordEntityOptions,
  type AfterPartyRecordsSchemaOptions,
} from '../stores/typeorm/records-schema';
export {
  databasePerTenant,
  schemaPerTenant,
  typeormTenant,
  type DatabasePerTenantOptions,
  type SchemaPerTenantOptions,
  type TypeOrmTenant,
} from '../tenants/typeorm-tenants';
