// The `after-party/terminus` entry: a health indicator for @nestjs/terminus, an optional peer
// that the main entry never loads.
export { AfterPartyHealthIndicator } from './after-party.health';
export type { AfterPartyHealthOptions } from './after-party-health-options.interface';
