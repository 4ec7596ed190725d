import type { AfterPartyTenants, AfterPartyTenantsProvider, TenantHandle } from '../interfaces/tenants.interface';

/**
 * A fixed list of tenants for a spec, as a provider for `AfterPartyTestingModule.forRoot({ tenants })`:
 * each tenant's handle is its id plus what `handles(id)` gives (say, a fake repository per tenant).
 *
 * ```ts
 * AfterPartyTestingModule.forRoot({ tenants: testTenants(['acme', 'globex']) })
 * ```
 */
export function testTenants(ids: string[], handles: (tenant: string) => Omit<TenantHandle, 'id'> = () => ({})): AfterPartyTenantsProvider {
  const source: AfterPartyTenants = {
    description: `test tenants ${ids.join(', ')}`,
    list: async () => [...ids],
    enter: (tenant, work) => work({ ...handles(tenant), id: tenant }),
  };
  return { useFactory: () => source };
}
