import { DistributionUnavailableError } from '../errors/distribution-unavailable.error';

/**
 * bullmq, required only when a distributed task is run or worked on: an optional peer that
 * apps without distributed tasks never install or load.
 */
export function loadBullmq(): typeof import('bullmq') {
  try {
    return require('bullmq') as typeof import('bullmq');
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw new DistributionUnavailableError('Distributed tasks need bullmq and ioredis, which cannot be loaded: npm install bullmq ioredis');
    }
    throw error;
  }
}
