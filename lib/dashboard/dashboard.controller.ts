import { Get, Header, HttpCode, HttpException, HttpStatus, Inject, Logger, NotFoundException, Param, Post, Query, Req, Res, Sse, UseFilters, type MessageEvent } from '@nestjs/common';
import { distinctUntilChanged, filter, finalize, from, interval, map, share, startWith, switchMap, takeUntil, type Observable } from 'rxjs';
import { AfterPartyError } from '../errors/after-party.error';
import { UnknownTaskError } from '../errors/unknown-task.error';
import { firstLine, messageOf } from '../format/text.format';
import { TASK_ACTIONS, type TaskAction } from '../operator/task-actions';
import { asset } from './assets/index';
import { DASHBOARD_OPTIONS, type ResolvedDashboardOptions } from './dashboard-config';
import { actorOf, basePath, type DashboardRequest } from './dashboard-request';
import { csrfRefusal, issueCsrfToken } from './dashboard-security';
import { DashboardActions, type ActionOutcome } from './dashboard.actions';
import { DashboardViews } from './dashboard.views';
import { PageNotFoundFilter } from './page-not-found.filter';
import { layout } from './render/html';
import { renderOverview } from './render/overview';
import { renderTask } from './render/task-page';

/** Which view a page, a fragment or a stream is of. */
interface ViewQuery {
  view?: string;
  task?: string;
  offset?: string;
}

/** What a view renders to: its title, its main part, and where its records are. */
interface Rendered {
  title: string;
  body: string;
  where: string;
}

function offsetOf(value: unknown): number {
  const offset = Number(value ?? 0);
  return Number.isInteger(offset) && offset >= 0 ? offset : 0;
}

/**
 * The dashboard's routes. `AfterPartyDashboardModule` serves a subclass at the app's path, behind
 * the app's guards; every read and every action goes through the operator core.
 */
export class DashboardController {
  private readonly logger = new Logger('AfterPartyDashboard');
  /** The live views read now, each shared by the streams open on it. */
  private readonly feeds = new Map<string, Observable<string>>();

  constructor(
    private readonly views: DashboardViews,
    private readonly actions: DashboardActions,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async overview(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: unknown): Promise<string> {
    return this.page(request, response, { view: 'overview' });
  }

  @Get('tasks/:task')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @UseFilters(PageNotFoundFilter)
  async task(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: unknown, @Param('task') task: string, @Query('offset') offset?: string): Promise<string> {
    return this.page(request, response, { view: 'task', task, offset });
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) response: unknown): string {
    const found = asset(file);
    if (!found) {
      throw new NotFoundException();
    }
    // Express's response and Fastify's reply both have type().
    (response as { type(contentType: string): unknown }).type(found.type);
    return found.body;
  }

  /** The main part of a view, for the script's polling when the live stream is cut. */
  @Get('fragment')
  async fragment(@Req() request: DashboardRequest, @Query() query: ViewQuery): Promise<{ html: string }> {
    return { html: (await this.rendered(basePath(request, this.options.path), query)).body };
  }

  /**
   * The main part of a view each time it changes, read from the records every `refreshInterval`.
   * A stream of a task that does not exist is answered 404, like its page. All the open streams
   * of one view share one read per interval, however many pages are open.
   */
  @Sse('events')
  async events(@Req() request: DashboardRequest, @Query() query: ViewQuery): Promise<Observable<MessageEvent>> {
    const base = basePath(request, this.options.path);
    const first = (await this.rendered(base, query)).body;
    return this.feed(base, query).pipe(
      startWith(first),
      distinctUntilChanged(),
      map((html) => ({ data: { html } })),
      takeUntil(this.views.closing),
    );
  }

  /** The view rendered every `refreshInterval` while at least one stream of it is open, shared by all of them. */
  private feed(base: string, query: ViewQuery): Observable<string> {
    const key = JSON.stringify([base, query.view === 'task' ? ['task', String(query.task ?? ''), offsetOf(query.offset)] : ['overview']]);
    let feed = this.feeds.get(key);
    if (!feed) {
      let warned = false;
      const failed = (error: unknown): null => {
        if (!warned) {
          warned = true;
          this.logger.warn(`Could not read the records for the live view: ${messageOf(error)}`);
        }
        return null;
      };
      feed = interval(this.options.refreshMs).pipe(
        switchMap(() => from(this.render(base, query).then((rendered) => rendered.body, failed))),
        filter((html): html is string => html !== null),
        // The last stream closed: the reads stop, and the view is forgotten.
        finalize(() => this.feeds.delete(key)),
        share(),
      );
      this.feeds.set(key, feed);
    }
    return feed;
  }

  /**
   * Does an action: 200 with `{ ok, message }` once done (a run started, or ended at once),
   * 409 when the task's state or the core refuses it, 404 for a task that does not exist; the
   * page shows the message in one line either way.
   */
  @Post('tasks/:task/actions/:action')
  @HttpCode(HttpStatus.OK)
  async act(@Req() request: DashboardRequest, @Param('task') task: string, @Param('action') action: string): Promise<ActionOutcome> {
    if (this.options.readOnly) {
      throw new HttpException({ ok: false, message: 'This dashboard is read-only: it takes no action.' }, HttpStatus.FORBIDDEN);
    }
    const refusal = csrfRefusal(request);
    if (refusal) {
      throw new HttpException({ ok: false, message: refusal }, HttpStatus.FORBIDDEN);
    }
    if (!TASK_ACTIONS.includes(action as TaskAction)) {
      throw new HttpException({ ok: false, message: `No such action: ${action}.` }, HttpStatus.NOT_FOUND);
    }
    return this.actions.act(task, action as TaskAction, actorOf(request, this.options.actor)).catch((error: unknown) => this.refusal(error));
  }

  private async page(request: DashboardRequest, response: unknown, query: ViewQuery): Promise<string> {
    const base = basePath(request, this.options.path);
    const rendered = await this.rendered(base, query);
    const view = query.view === 'task' ? { name: 'task' as const, task: query.task, offset: offsetOf(query.offset) } : { name: 'overview' as const };
    const csrf = issueCsrfToken(request, response, base.slice(1));
    return layout({ title: rendered.title, base, csrf, view, readOnly: this.options.readOnly, where: rendered.where, body: rendered.body });
  }

  /** A view rendered; a view or a task that does not exist answered 404. */
  private async rendered(base: string, query: ViewQuery): Promise<Rendered> {
    if (query.view !== undefined && query.view !== 'overview' && query.view !== 'task') {
      throw new NotFoundException(`No such view: ${JSON.stringify(query.view)} (the views are overview and task).`);
    }
    return this.render(base, query).catch((error: unknown) => {
      throw error instanceof UnknownTaskError ? new NotFoundException(error.message) : error;
    });
  }

  private async render(base: string, query: ViewQuery): Promise<Rendered> {
    const now = Date.now();
    if (query.view === 'task') {
      const detail = await this.views.detail(String(query.task ?? ''), offsetOf(query.offset));
      return {
        title: detail.task.name,
        where: `${detail.store}, environment ${detail.environment}`,
        body: renderTask({ base, detail, readOnly: this.options.readOnly, now }),
      };
    }
    const { status, banners } = await this.views.overview(now);
    const body = renderOverview({ base, rows: status.tasks, banners, summary: status.summary, now });
    return { title: 'Deploy tasks', where: `${status.store}, environment ${status.environment}`, body };
  }

  /** A refusal of the core as a one-line answer (404 for an unknown task, else 409); anything else is logged and answered without detail. */
  private refusal(error: unknown): never {
    if (error instanceof AfterPartyError) {
      throw new HttpException({ ok: false, message: firstLine(error.message) }, error instanceof UnknownTaskError ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT);
    }
    this.logger.error(`A dashboard action failed: ${messageOf(error)}`);
    throw new HttpException({ ok: false, message: 'The action failed unexpectedly; the app log says why.' }, HttpStatus.INTERNAL_SERVER_ERROR);
  }
}
