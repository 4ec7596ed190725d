import { Injectable, Logger } from '@nestjs/common';
import type { AfterPartyEvent, AfterPartyEventType } from './after-party-event.interface';

type Listener<T extends AfterPartyEventType> = (event: Extract<AfterPartyEvent, { type: T }>) => unknown;

/**
 * Lets the app react to runs: inject it and subscribe with {@link on}.
 *
 * ```ts
 * @Injectable()
 * export class DeployNotifier implements OnModuleInit {
 *   constructor(private readonly events: AfterPartyEvents, private readonly chat: ChatService) {}
 *   onModuleInit() {
 *     this.events.on('run.finished', ({ report }) =>
 *       this.chat.post(`Deploy tasks: ${report.outcomes.length} ran, ${report.ok ? 'all completed' : 'one failed'}`));
 *   }
 * }
 * ```
 *
 * Listeners are awaited for every event but `task.progress`; a listener that throws or
 * rejects is logged and never affects the run. A provider's method can listen with
 * `@OnAfterPartyEvent()` instead.
 */
@Injectable()
export class AfterPartyEvents {
  private readonly logger = new Logger('AfterParty');
  private readonly listeners = new Map<AfterPartyEventType, Set<Listener<any>>>();

  /** Subscribes to one event type; returns a function that unsubscribes. */
  on<T extends AfterPartyEventType>(type: T, listener: Listener<T>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    return () => set.delete(listener);
  }

  /** Delivers an event to its listeners (internal). */
  async emit(event: AfterPartyEvent): Promise<void> {
    const listeners = [...(this.listeners.get(event.type) ?? [])];
    await Promise.all(
      listeners.map(async (listener) => {
        try {
          await listener(event);
        } catch (error) {
          this.logger.warn(`A "${event.type}" listener failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
  }
}
