import type { Provider } from '@nestjs/common';
import { AFTER_PARTY_TENANTS } from '../config/after-party.constants';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { AfterPartyTenants, AfterPartyTenantsProvider } from '../interfaces/tenants.interface';

/** The provider of the tenants source (none without one), checked once it is made. */
export function tenantsProviders(tenants: AfterPartyTenantsProvider | undefined): Provider[] {
  if (tenants === undefined) {
    return [];
  }
  if (typeof tenants !== 'object' || tenants === null) {
    throw new InvalidOptionsError(PROVIDER_SHAPES);
  }
  return providersOf(tenants);
}

const PROVIDER_SHAPES = 'The tenants option takes a provider: { useFactory, inject }, { useClass } or { useExisting }.';

function providersOf(tenants: AfterPartyTenantsProvider): Provider[] {
  if ('useFactory' in tenants && typeof tenants.useFactory === 'function') {
    const { useFactory } = tenants;
    return [{ provide: AFTER_PARTY_TENANTS, useFactory: async (...args: unknown[]) => checkedSource(await useFactory(...args)), inject: tenants.inject ?? [] }];
  }
  if ('useClass' in tenants && typeof tenants.useClass === 'function') {
    return [tenants.useClass, { provide: AFTER_PARTY_TENANTS, useFactory: checkedSource, inject: [tenants.useClass] }];
  }
  if ('useExisting' in tenants && tenants.useExisting !== undefined) {
    return [{ provide: AFTER_PARTY_TENANTS, useFactory: checkedSource, inject: [tenants.useExisting] }];
  }
  throw new InvalidOptionsError(PROVIDER_SHAPES);
}

/** The source, once it is known to have what the runner calls. */
function checkedSource(source: unknown): AfterPartyTenants {
  const candidate = source as Partial<AfterPartyTenants> | null;
  if (!candidate || typeof candidate.list !== 'function' || typeof candidate.enter !== 'function') {
    throw new InvalidOptionsError(
      'The tenants provider must give an AfterPartyTenants source (list() and enter()): schemaPerTenant(), databasePerTenant(), mongooseDatabasePerTenant() or your own.',
    );
  }
  return candidate as AfterPartyTenants;
}
