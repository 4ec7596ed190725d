import type { AfterPartyStore, StoreTransaction, TransactionCapability } from '../interfaces/store.interface';

/** The store as a tenant's tasks see it: every transaction the runner opens is bound to the tenant first. */
export function tenantStore(store: AfterPartyStore, bind: (manager: unknown) => Promise<void>): AfterPartyStore {
  const transactions = store.capabilities.transactions;
  if (!transactions) {
    return store;
  }
  const bound: TransactionCapability = {
    get oneAtATime() {
      return transactions.oneAtATime;
    },
    canOpenWhileReading: transactions.canOpenWhileReading ? () => transactions.canOpenWhileReading?.() === true : undefined,
    begin: async (): Promise<StoreTransaction> => {
      const transaction = await transactions.begin();
      try {
        await bind(transaction.manager);
      } catch (error) {
        await transaction.rollback().catch(() => undefined);
        throw error;
      }
      return transaction;
    },
  };
  const capabilities = { ...store.capabilities, transactions: bound };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'capabilities') {
        return capabilities;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
