import type { AfterPartyEventType } from './after-party-event.interface';

// A record, so that an event type added to AfterPartyEvent and missing here fails to compile.
const TYPES: Record<AfterPartyEventType, true> = {
  'run.started': true,
  'task.started': true,
  'task.progress': true,
  'task.completed': true,
  'task.failed': true,
  'task.paused': true,
  'task.cancelled': true,
  'run.finished': true,
};

/** Every event type, in the order a run emits them. */
export const AFTER_PARTY_EVENT_TYPES = Object.keys(TYPES) as AfterPartyEventType[];

/** Whether `value` names an after-party event. */
export function isAfterPartyEventType(value: unknown): value is AfterPartyEventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TYPES, value);
}
