import { Controller, Inject, Module, UseGuards, type DynamicModule, type MiddlewareConsumer, type NestModule, type Provider, type Type } from '@nestjs/common';
import { isAfterPartyCommandProcess } from '../cli/command-process';
import { AppGuards, DASHBOARD_GUARDS } from './app-guards';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { DASHBOARD_OPTIONS, dashboardPath, refuseUnknownOptions, resolveDashboardOptions, ROUTE_OPTIONS, RUNTIME_OPTIONS, warnIfOpen, type ResolvedDashboardOptions } from './dashboard-config';
import { DashboardController } from './dashboard.controller';
import type { AfterPartyDashboardAsyncOptions, AfterPartyDashboardOptions, AfterPartyDashboardRuntimeOptions } from './dashboard-options.interface';
import { securityHeaders } from './dashboard-security';
import { DashboardActions } from './dashboard.actions';
import { DashboardViews } from './dashboard.views';

/** Whether `guard` is a guard class, or an instance with `canActivate`. */
function isGuard(guard: unknown): boolean {
  return typeof guard === 'function' || (typeof guard === 'object' && guard !== null && typeof (guard as { canActivate?: unknown }).canActivate === 'function');
}

/** The guards as given, once each is known to be a guard (an import cycle can leave one undefined). */
function guardClasses(guards: unknown[]): unknown[] {
  const bad = guards.findIndex((guard) => !isGuard(guard));
  if (bad >= 0) {
    const given = guards[bad] === undefined ? 'undefined' : JSON.stringify(guards[bad]);
    throw new InvalidOptionsError(
      `AfterPartyDashboardModule: guards[${bad}] is ${given}, not a guard: pass the guard's class (or an instance with canActivate; an import cycle can leave it undefined where the module is imported).`,
    );
  }
  return guards;
}

/** The options checked and resolved, with the startup warning of a read-only dashboard open to anyone. */
function resolved(options: Pick<AfterPartyDashboardOptions, 'path' | 'guards'>, runtime: AfterPartyDashboardRuntimeOptions): ResolvedDashboardOptions {
  const result = resolveDashboardOptions(options, runtime);
  warnIfOpen(options, result, runtime);
  return result;
}

/** The token of this module's controllers (none in a deploy hook's process). */
const DASHBOARD_CONTROLLERS = Symbol('AFTER_PARTY_DASHBOARD_CONTROLLERS');

/** The controller at the app's path, behind the app's guards (each module gets a class of its own). */
function controllerAt(path: string, guarded: boolean): Type<DashboardController> {
  class AfterPartyDashboardController extends DashboardController {}
  Controller(path)(AfterPartyDashboardController);
  if (guarded) {
    UseGuards(AppGuards)(AfterPartyDashboardController);
  }
  return AfterPartyDashboardController;
}

/**
 * The operator dashboard: an overview of every task, task pages with their run history, live
 * progress (server-sent events, computed from the records, so a run in any process shows), and
 * the operator actions, each through the same operator core as the `after-party:*` commands.
 * Served by the app's own HTTP server (Express or Fastify) at `path`, behind the app's `guards`;
 * nothing is served unless the app imports it, and nothing in a deploy-hook process.
 *
 * ```ts
 * AfterPartyDashboardModule.forRoot({ path: 'admin/after-party', guards: [AdminGuard], actor: 'user.email' })
 * ```
 */
@Module({})
export class AfterPartyDashboardModule implements NestModule {
  constructor(@Inject(DASHBOARD_CONTROLLERS) private readonly controllers: Array<Type<DashboardController>>) {}

  /**
   * Mounts the dashboard with options known now. The app refuses to start without a guard, unless
   * `readOnly` or `public`: the check runs as the app starts, so that a deploy hook's command says
   * so in one line and exits 2 (a bad `path` is refused at once: the route is made from it).
   */
  static forRoot(options: AfterPartyDashboardOptions = {}): DynamicModule {
    const given = options ?? {};
    return this.assemble(given, [
      {
        provide: DASHBOARD_OPTIONS,
        useFactory: () => {
          refuseUnknownOptions('AfterPartyDashboardModule.forRoot', given, [...ROUTE_OPTIONS, ...RUNTIME_OPTIONS]);
          return resolved(given, given);
        },
      },
    ]);
  }

  /**
   * Mounts the dashboard with `path`, `guards` and `imports` known now and the other options from
   * a factory (e.g. `ConfigService`); the unguarded check runs once the factory resolves.
   */
  static forRootAsync(options: AfterPartyDashboardAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function') {
      throw new InvalidOptionsError('AfterPartyDashboardModule.forRootAsync needs useFactory (with path and guards beside it).');
    }
    dashboardPath(options.path);
    const provider: Provider = {
      provide: DASHBOARD_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) => {
        refuseUnknownOptions('AfterPartyDashboardModule.forRootAsync', options, [...ROUTE_OPTIONS, 'inject', 'useFactory']);
        const runtime = (await options.useFactory(...args)) ?? ({} as AfterPartyDashboardRuntimeOptions);
        refuseUnknownOptions("AfterPartyDashboardModule.forRootAsync's factory", runtime, RUNTIME_OPTIONS);
        return resolved(options, runtime);
      },
    };
    return this.assemble(options, [provider]);
  }

  private static assemble(options: Pick<AfterPartyDashboardOptions, 'path' | 'guards' | 'imports'>, optionProviders: Provider[]): DynamicModule {
    // A deploy hook's process serves nothing: no route, not even a controller.
    const serve = !isAfterPartyCommandProcess();
    const guards = options.guards ?? [];
    const controllers = serve ? [controllerAt(dashboardPath(options.path), guards.length > 0)] : [];
    return {
      module: AfterPartyDashboardModule,
      imports: options.imports ?? [],
      controllers,
      providers: [
        ...optionProviders,
        { provide: DASHBOARD_GUARDS, useFactory: () => guardClasses(guards) },
        { provide: DASHBOARD_CONTROLLERS, useValue: controllers },
        AppGuards,
        DashboardViews,
        DashboardActions,
      ],
    };
  }

  /** Every response of the dashboard carries its security headers, refusals of the guards included. */
  configure(consumer: MiddlewareConsumer): void {
    if (this.controllers.length > 0) {
      consumer.apply(securityHeaders).forRoutes(...this.controllers);
    }
  }
}
