// The `after-party/testing` entry: what a task's own spec needs, kept out of the main entry.
export { AfterPartyTester } from './after-party.tester';
export { AfterPartyTestingModule, type AfterPartyTestingOptions } from './after-party-testing.module';
export { testTenants } from './test-tenants';
