import type { Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';

/** A command provider of this process: its class and the instance the app created. */
export interface KnownCommand {
  type: Type;
  instance: object;
}

/** The shape nest-commander gives a discovered provider (it reads `name` and `instance`). */
interface DiscoveredCommand {
  name: string;
  instance: object;
  injectType: Type;
  dependencyType: Type;
  parentModule: undefined;
}

type Filter = (found: DiscoveredCommand) => boolean;

/**
 * What nest-commander's `CommandRunnerService` asks a discovery service (which commands carry
 * a metadata key, which of their methods do), answered from the command providers this process
 * registered instead of by looking through every provider of the app: in an app with
 * thousands of providers (tasks among them) that search was most of a command's own start-up.
 * nest-commander still builds the commander program, parses the arguments and runs the command.
 */
export class KnownCommands {
  private readonly scanner = new MetadataScanner();
  private readonly discovered: DiscoveredCommand[];

  constructor(commands: readonly KnownCommand[]) {
    this.discovered = commands.map(({ type, instance }) => ({
      name: type.name,
      instance,
      injectType: type,
      dependencyType: type,
      parentModule: undefined,
    }));
  }

  async providersWithMetaAtKey(key: string): Promise<{ meta: unknown; discoveredClass: DiscoveredCommand }[]> {
    return this.discovered
      .map((discoveredClass) => ({
        meta: Reflect.getMetadata(key, discoveredClass.injectType) as unknown,
        discoveredClass,
      }))
      .filter(({ meta }) => meta !== undefined);
  }

  async providerMethodsWithMetaAtKey(
    key: string,
    filter: Filter = () => true,
  ): Promise<
    {
      meta: unknown;
      discoveredMethod: {
        handler: (...args: unknown[]) => unknown;
        methodName: string;
        parentClass: DiscoveredCommand;
      };
    }[]
  > {
    return this.discovered.filter(filter).flatMap((parentClass) => {
      const prototype = Object.getPrototypeOf(parentClass.instance) as Record<string, (...args: unknown[]) => unknown>;
      return this.scanner
        .getAllMethodNames(prototype)
        .map((methodName) => ({
          meta: Reflect.getMetadata(key, prototype[methodName]) as unknown,
          discoveredMethod: {
            handler: prototype[methodName],
            methodName,
            parentClass,
          },
        }))
        .filter(({ meta }) => meta !== undefined && meta !== null);
    });
  }
}
