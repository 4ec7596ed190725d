import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AFTER_PARTY_EVENT_PREFIX } from '../config/after-party.constants';
import { messageOf } from '../format/text.format';
import type { AfterPartyEvent } from './after-party-event.interface';
import { AfterPartyEvents } from './after-party.events';
import { AFTER_PARTY_EVENT_TYPES } from './event-types';
import { packageMayBeInUse } from '../discovery/package-in-use';

/** What the bridge uses of EventEmitter2 (typed here: `@nestjs/event-emitter` is an optional peer). */
interface AsyncEmitter {
  emitAsync(event: string, ...values: unknown[]): Promise<unknown[]>;
}

/**
 * When the app imports `EventEmitterModule` (`@nestjs/event-emitter`), emits every after-party
 * event on its EventEmitter2 too, as `after-party.<type>` with the same payload, so `@OnEvent()`
 * listeners hear them. Awaited like after-party's own listeners (the runner does not wait for
 * `task.progress`); a listener error is logged and never affects the run. Apps without the
 * package or the module get nothing and load nothing (an installed package the app never loaded is
 * not loaded here either).
 */
@Injectable()
export class EventEmitterBridge implements OnModuleInit {
  private readonly logger = new Logger('AfterParty');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly events: AfterPartyEvents,
  ) {}

  onModuleInit(): void {
    const emitter = this.appEmitter();
    if (!emitter) {
      return;
    }
    for (const type of AFTER_PARTY_EVENT_TYPES) {
      this.events.on(type, (event: AfterPartyEvent) => this.forward(emitter, event));
    }
  }

  private async forward(emitter: AsyncEmitter, event: AfterPartyEvent): Promise<void> {
    const name = `${AFTER_PARTY_EVENT_PREFIX}${event.type}`;
    try {
      await emitter.emitAsync(name, event);
    } catch (error) {
      // Only with EventEmitterModule's suppressErrors: false do listener errors reach us.
      this.logger.warn(`An EventEmitter2 listener of "${name}" failed: ${messageOf(error)}`);
    }
  }

  /** The app's EventEmitter2, or null when `@nestjs/event-emitter` is not installed or not imported. */
  private appEmitter(): AsyncEmitter | null {
    // An app that imports EventEmitterModule has loaded the package; one that has it installed
    // but unused does not pay for loading it here.
    if (!packageMayBeInUse('@nestjs/event-emitter')) {
      return null;
    }
    let token: unknown;
    try {
      ({ EventEmitter2: token } = require('@nestjs/event-emitter') as { EventEmitter2: unknown });
    } catch {
      return null;
    }
    try {
      return this.moduleRef.get(token as never, { strict: false }) as AsyncEmitter;
    } catch {
      return null;
    }
  }
}
