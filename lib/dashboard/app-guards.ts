import { Inject, Injectable, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';

/** The injection token of the guards the app gave the dashboard. */
export const DASHBOARD_GUARDS = Symbol('AFTER_PARTY_DASHBOARD_GUARDS');

type Guard = Type<CanActivate> | CanActivate;

/** What a constructor parameter is injected by: its `@Inject()` token, else its type. */
function parameterTokens(type: Type<CanActivate>): unknown[] {
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', type) ?? [];
  const overrides: Array<{ index: number; param: unknown }> = Reflect.getMetadata('self:paramtypes', type) ?? [];
  const tokens = [...types];
  for (const { index, param } of overrides) {
    tokens[index] = param;
  }
  return tokens;
}

/**
 * The app's guards, resolved from the app: a guard class registered as a provider anywhere in
 * the app is that instance; any other is made here, its constructor's parameters taken from the
 * app's providers (an absent one is undefined, for `@Optional()` parameters). Runs them in order:
 * every one must let the request through; their exceptions (401, 403) are the app's answer.
 */
@Injectable()
export class AppGuards implements CanActivate {
  private resolved?: CanActivate[];

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(DASHBOARD_GUARDS) private readonly guards: Guard[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    this.resolved ??= this.guards.map((guard) => this.resolve(guard));
    for (const guard of this.resolved) {
      const verdict = guard.canActivate(context);
      if (!(isObservable(verdict) ? await lastValueFrom(verdict) : await verdict)) {
        return false;
      }
    }
    return true;
  }

  private resolve(guard: Guard): CanActivate {
    if (typeof guard !== 'function') {
      return guard;
    }
    const registered = this.find(guard);
    if (registered) {
      return registered as CanActivate;
    }
    return new guard(...parameterTokens(guard).map((token) => this.find(token)));
  }

  private find(token: unknown): unknown {
    try {
      return this.moduleRef.get(token as Type<unknown>, { strict: false });
    } catch {
      return undefined;
    }
  }
}
