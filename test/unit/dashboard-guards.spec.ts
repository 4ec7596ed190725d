import { Inject, Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { of } from 'rxjs';
import { AppGuards } from '../../lib/dashboard/app-guards';

const SETTINGS = 'SETTINGS';

/** Registered as a provider of the app: that instance is used. */
@Injectable()
class RegisteredGuard implements CanActivate {
  static made = 0;
  constructor() {
    RegisteredGuard.made += 1;
  }
  canActivate(): boolean {
    return true;
  }
}

/** Not registered: made with the app's providers, an `@Inject()` token among them. */
@Injectable()
class TokenGuard implements CanActivate {
  constructor(@Inject(SETTINGS) private readonly settings: { open: boolean }) {}
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest().seen.push('token');
    return this.settings.open;
  }
}

/** Answers with an Observable, as some guards do. */
@Injectable()
class ObservableGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    context.switchToHttp().getRequest().seen.push('observable');
    return of(true);
  }
}

@Module({ providers: [RegisteredGuard, { provide: SETTINGS, useValue: { open: true } }], exports: [SETTINGS] })
class AuthModule {}

function contextFor(request: { seen: string[] }): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

async function guardsOf(guards: Array<(new (...args: any[]) => CanActivate) | CanActivate>, settings = { open: true }): Promise<AppGuards> {
  const moduleRef = await Test.createTestingModule({ imports: [AuthModule] })
    .overrideProvider(SETTINGS)
    .useValue(settings)
    .compile();
  return new AppGuards(moduleRef.get(ModuleRef), guards);
}

describe("the dashboard's guards, resolved from the app", () => {
  it('uses the app provider of a registered guard, makes the others with the app providers, and runs them in order', async () => {
    const guards = await guardsOf([RegisteredGuard, TokenGuard, ObservableGuard, { canActivate: (context) => (context.switchToHttp().getRequest().seen.push('instance'), true) }]);
    const made = RegisteredGuard.made;
    const request = { seen: [] as string[] };
    expect(await guards.canActivate(contextFor(request))).toBe(true);
    expect(await guards.canActivate(contextFor(request))).toBe(true);
    expect(RegisteredGuard.made).toBe(made);
    expect(request.seen).toEqual(['token', 'observable', 'instance', 'token', 'observable', 'instance']);
  });

  it('stops at the first guard that refuses', async () => {
    const guards = await guardsOf([TokenGuard, ObservableGuard], { open: false });
    const request = { seen: [] as string[] };
    expect(await guards.canActivate(contextFor(request))).toBe(false);
    expect(request.seen).toEqual(['token']);
  });
});
