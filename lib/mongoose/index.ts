// The `after-party/mongoose` entry: the keyset helper for apps on MongoDB. Its types import
// mongoose, an optional peer, so it stays out of the main entry: an app without mongoose
// compiles against `after-party` with `skipLibCheck: false`.
export { mongooseKeyset, type MongooseKeysetOptions } from '../batch/mongoose-keyset';
export { mongooseDatabasePerTenant, mongooseTenant, type MongooseDatabasePerTenantOptions, type MongooseTenant } from '../tenants/mongoose-tenants';
