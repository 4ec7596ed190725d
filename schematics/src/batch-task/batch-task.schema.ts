import { TaskOptions } from '../task/task.schema';
import type { AfterPartyStore } from '../utils/store';

/** Options of the `batch-task` schematic (see schema.json). */
export interface BatchTaskOptions extends TaskOptions {
  /**
   * The database the task reads: picks the TypeORM or the Mongoose skeleton. Detected from
   * the app's package.json when left out.
   */
  store?: AfterPartyStore;
}
