import { Injectable } from '@nestjs/common';
import { UnknownTaskError } from '../errors/unknown-task.error';
import type { RegisteredTask } from './registered-task.interface';

/** The app's validated tasks in ascending version order. Filled at bootstrap by the explorer. */
@Injectable()
export class TaskRegistry {
  private tasks: readonly RegisteredTask[] = [];

  /** Replaces the task list (explorer and testing module only). */
  load(tasks: readonly RegisteredTask[]): void {
    this.tasks = tasks;
  }

  /** All tasks in ascending version order. */
  all(): readonly RegisteredTask[] {
    return this.tasks;
  }

  /** Finds tasks by version or name, in version order; throws naming every unknown one. */
  select(identifiers: string[]): RegisteredTask[] {
    const unknown = identifiers.filter((id) => !this.tasks.some((task) => task.version === id || task.name === id));
    if (unknown.length > 0) {
      throw new UnknownTaskError(unknown);
    }
    return this.tasks.filter((task) => identifiers.includes(task.version) || identifiers.includes(task.name));
  }
}
