import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { AFTER_PARTY_TASK_METADATA } from '../config/after-party.constants';
import type { AfterPartyTaskOptions } from '../interfaces/task-options.interface';

/**
 * Marks a class as a post-deploy task. The class is an ordinary injectable provider:
 * list it in a module's `providers` and inject whatever it needs.
 *
 * @example
 * ```ts
 * @AfterPartyTask({ version: '20261126094512', description: 'Backfill user slugs' })
 * export class BackfillUserSlugsTask implements DeployTask {
 *   constructor(private readonly users: UsersService) {}
 *   async run(ctx: TaskContext) { await this.users.backfillSlugs(ctx.signal); }
 * }
 * ```
 */
export function AfterPartyTask(options: AfterPartyTaskOptions): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(AFTER_PARTY_TASK_METADATA, { ...options }));
}
