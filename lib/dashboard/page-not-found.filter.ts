import { Catch, Inject, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DASHBOARD_OPTIONS, type ResolvedDashboardOptions } from './dashboard-config';
import { basePath, type DashboardRequest } from './dashboard-request';
import { notFoundPage } from './render/html';

/**
 * A page of the dashboard that does not exist (a task gone from the app, a mistyped link) answers
 * 404 with a page of the dashboard, not the JSON body a browser would show as text (and that the
 * platform warns about under a text/html content type).
 */
@Catch(NotFoundException)
export class PageNotFoundFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {}

  catch(exception: NotFoundException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const adapter = this.adapterHost.httpAdapter;
    const response = http.getResponse<unknown>();
    const body = exception.getResponse() as { message?: unknown };
    const message = typeof body?.message === 'string' ? body.message : 'There is no such page.';
    adapter.setHeader(response, 'Content-Type', 'text/html; charset=utf-8');
    adapter.reply(response, notFoundPage(basePath(http.getRequest<DashboardRequest>(), this.options.path), message), 404);
  }
}
