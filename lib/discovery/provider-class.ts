import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';

/** A class, as found behind a provider. */
export type ProviderClass = abstract new (...args: never[]) => unknown;

/**
 * The class behind a provider, whether it came from a class, `useValue` or `useFactory`.
 * Undefined for a factory provider that has not been created yet.
 */
export function providerClass(wrapper: InstanceWrapper): ProviderClass | undefined {
  const fromInstance = wrapper.instance?.constructor;
  const metatype = wrapper.inject ? fromInstance : (wrapper.metatype ?? fromInstance);
  return typeof metatype === 'function' && metatype !== Object ? (metatype as ProviderClass) : undefined;
}
