import { AFTER_PARTY_EVENT_LISTENER_CLASS, AFTER_PARTY_EVENT_LISTENER_METADATA } from '../config/after-party.constants';
import type { AfterPartyEventOf, AfterPartyEventType } from './after-party-event.interface';

/**
 * Makes a method of a provider (or controller) a listener of after-party events: it is found at
 * bootstrap, like tasks are, and called with the event's payload. Listen to several types with
 * several arguments, or by stacking the decorator.
 *
 * ```ts
 * @Injectable()
 * export class DeployNotifier {
 *   constructor(private readonly chat: ChatService) {}
 *
 *   @OnAfterPartyEvent('task.failed')
 *   async onFailed(event: AfterPartyEventOf<'task.failed'>) {
 *     await this.chat.post(`Deploy task ${event.name} ${event.status}: ${event.error}`);
 *   }
 * }
 * ```
 *
 * Listeners are awaited, except for `task.progress`; one that throws or rejects is logged and
 * never affects the run. The provider must not be request-scoped (it is skipped with a warning).
 */
export function OnAfterPartyEvent<T extends AfterPartyEventType>(
  ...types: [T, ...T[]]
): <M extends (event: AfterPartyEventOf<T>) => unknown>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void {
  return (target, _key, descriptor) => {
    Reflect.defineMetadata(AFTER_PARTY_EVENT_LISTENER_CLASS, true, target.constructor);
    const method = descriptor.value as object;
    const known = (Reflect.getMetadata(AFTER_PARTY_EVENT_LISTENER_METADATA, method) as AfterPartyEventType[] | undefined) ?? [];
    Reflect.defineMetadata(AFTER_PARTY_EVENT_LISTENER_METADATA, [...known, ...types], method);
  };
}
