import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { AFTER_PARTY_EVENT_LISTENER_CLASS, AFTER_PARTY_EVENT_LISTENER_METADATA } from '../config/after-party.constants';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { messageOf } from '../format/text.format';
import type { AfterPartyEvent, AfterPartyEventType } from './after-party-event.interface';
import { AfterPartyEvents } from './after-party.events';
import { AFTER_PARTY_EVENT_TYPES, isAfterPartyEventType } from './event-types';

/**
 * Subscribes every `@OnAfterPartyEvent()` method of the app's providers and controllers to
 * {@link AfterPartyEvents} at bootstrap. Request-scoped providers are skipped with a warning:
 * a run has no request to resolve them for.
 */
@Injectable()
export class EventListenerExplorer implements OnModuleInit {
  private readonly logger = new Logger('AfterParty');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly events: AfterPartyEvents,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      // Only the classes the decorator marked are scanned method by method: an app's thousand
      // providers (its tasks among them) cost a metadata read each, not a walk of their methods.
      if (!instance || typeof instance !== 'object' || wrapper.isAlias || !Reflect.getMetadata(AFTER_PARTY_EVENT_LISTENER_CLASS, instance.constructor)) {
        continue;
      }
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = (instance as Record<string, unknown>)[method] as (...args: unknown[]) => unknown;
        const types: AfterPartyEventType[] | undefined = this.reflector.get(AFTER_PARTY_EVENT_LISTENER_METADATA, handler);
        if (types) {
          this.subscribe(wrapper, instance as Record<string, unknown>, method, types);
        }
      }
    }
  }

  private subscribe(wrapper: InstanceWrapper, instance: Record<string, unknown>, method: string, types: AfterPartyEventType[]): void {
    const label = `${instance.constructor.name}.${method}`;
    const unknown = types.find((type) => !isAfterPartyEventType(type));
    if (unknown !== undefined) {
      throw new InvalidOptionsError(
        `@OnAfterPartyEvent(${JSON.stringify(unknown)}) on ${label} names no after-party event: use one of ${AFTER_PARTY_EVENT_TYPES.join(', ')}.`,
      );
    }
    if (!wrapper.isDependencyTreeStatic()) {
      this.logger.warn(
        `${label} listens to after-party events but is request-scoped (or depends on a request-scoped provider): it is not subscribed.`,
      );
      return;
    }
    for (const type of new Set(types)) {
      this.events.on(type, async (event: AfterPartyEvent) => {
        try {
          await (instance[method] as (event: AfterPartyEvent) => unknown).call(instance, event);
        } catch (error) {
          this.logger.warn(`${label} failed on "${event.type}": ${messageOf(error)}`);
        }
      });
    }
  }
}
