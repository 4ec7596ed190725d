import { AsyncLocalStorage } from 'node:async_hooks';
import type { TenantHandle } from '../interfaces/tenants.interface';

const storage = new AsyncLocalStorage<TenantHandle>();

/**
 * The tenant the current per-tenant task runs for, or undefined outside one. It follows the
 * task's async calls (AsyncLocalStorage), so an app service a task calls can route itself to the
 * tenant's data without request scope:
 *
 * ```ts
 * const tenant = currentTenant();
 * const manager = (tenant?.manager as EntityManager | undefined) ?? this.dataSource.manager;
 * ```
 */
export function currentTenant(): TenantHandle | undefined {
  return storage.getStore();
}

/** Runs `work` with `handle` as the current tenant (internal). */
export function withTenant<T>(handle: TenantHandle, work: () => Promise<T>): Promise<T> {
  return storage.run(handle, work);
}
