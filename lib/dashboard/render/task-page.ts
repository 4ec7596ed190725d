import { humanDuration, taskLabel } from '../../format/text.format';
import type { BatchesDocument, TaskDescriptionDocument, TaskRunDocument } from '../../operator/operator-documents';
import type { TaskDetailResult } from '../../operator/operator-results';
import type { TaskAction } from '../../operator/task-actions';
import { badge, count, duration, progressCell, timeTag } from './format';
import { escape } from './html';

/** What a task page is drawn from. */
export interface TaskView {
  base: string;
  detail: TaskDetailResult;
  readOnly: boolean;
  now: number;
}

/** A button's label and the question its confirmation asks. */
function wording(action: TaskAction, task: TaskDescriptionDocument, state: string): { label: string; confirm: string } {
  const label = taskLabel(task);
  const retry = task.kind === 'distributed' && state === 'failed';
  const words: Record<TaskAction, { label: string; confirm: string }> = {
    run: retry
      ? { label: 'Retry failed batches', confirm: `Run ${label} again by name: its failed batches are queued again, in this app's process, under the run lock?` }
      : { label: 'Run now', confirm: `Run ${label} now, in this app's process, under the run lock (as after-party:run ${task.name})?` },
    resume: { label: 'Resume', confirm: `Resume ${label} from its cursor, in this app's process?` },
    pause: { label: 'Pause', confirm: `Pause ${label} after its current batch? It resumes from its cursor.` },
    cancel: { label: 'Cancel', confirm: `Cancel ${label}? Later runs leave it alone until it is reset or run by name.` },
    reset: { label: 'Reset', confirm: `Reset ${label}? Its completion is withdrawn and it starts over on the next run.` },
    'mark-done': { label: 'Mark done', confirm: `Record ${label} as done without running it?` },
  };
  return words[action];
}

function actions(view: TaskView): string {
  const { detail } = view;
  if (detail.task.perTenant && !view.readOnly) {
    return '<p class="muted">A per-tenant task: it is run, resumed and provisioned per tenant, not from this page.</p>';
  }
  if (view.readOnly || detail.actions.length === 0) {
    return view.readOnly ? '<p class="muted">Read-only dashboard: no action is offered.</p>' : '<p class="muted">No action applies in this state.</p>';
  }
  const buttons = detail.actions.map((action) => {
    const { label, confirm } = wording(action, detail.task, detail.status.state);
    const danger = action === 'cancel' || action === 'reset' ? ' danger' : '';
    return `<button type="button" class="action${danger}" data-action="${action}" data-confirm="${escape(confirm)}">${escape(label)}</button>`;
  });
  return `<div class="actions" data-task="${escape(detail.task.version)}">${buttons.join('')}</div>`;
}

function options(task: TaskDescriptionDocument): string {
  const entries: Array<[string, string]> = [
    ['Kind', task.kind],
    ['Every deploy', task.everyDeploy ? 'yes' : 'no'],
    ['Transaction', task.transaction ? (task.batch ? 'one per batch' : 'yes') : 'no'],
    ['Timeout', task.timeoutMs === null ? 'none' : humanDuration(task.timeoutMs)],
    ['Environments', task.environments?.join(', ') ?? 'all'],
  ];
  if (task.batch) {
    entries.push(['Batch size', count(task.batch.size)], ['Pause between batches', humanDuration(task.batch.pauseMs)]);
    if (task.batch.queue) {
      entries.push(['Queue', task.batch.queue]);
    }
  }
  return `<dl class="options">${entries.map(([term, value]) => `<div><dt>${escape(term)}</dt><dd>${escape(value)}</dd></div>`).join('')}</dl>`;
}

function batches(doc: BatchesDocument | null): string {
  if (!doc) {
    return '';
  }
  const counts = (['completed', 'queued', 'failed'] as const).map((state) => `<li>${badge(state)}<span class="num">${count(doc[state])}</span></li>`).join('');
  const failed = doc.failedBatches
    .map((batch) => `<li><span class="num">batch ${batch.batchNo}</span> after ${batch.attempts} tries: <pre class="error">${escape(batch.error ?? '')}</pre></li>`)
    .join('');
  return `<section class="batches"><h2>Batches <span class="count">${count(doc.total)}</span></h2>
<ul class="summary">${counts}</ul>
<p>${count(doc.itemsDone)} items done by ${doc.workers.length === 0 ? 'no worker yet' : escape(doc.workers.join(', '))}</p>
${failed ? `<ul class="failed-batches">${failed}</ul>` : ''}</section>`;
}

function runRow(run: TaskRunDocument, now: number): string {
  const live = run.status === 'running';
  const checkpoint = run.checkpoint === null || run.checkpoint === undefined ? '' : `<details data-key="checkpoint-${escape(run.id)}"><summary>checkpoint</summary><pre class="mono">${escape(JSON.stringify(run.checkpoint, null, 2))}</pre></details>`;
  const error = run.error ? `<tr class="run-error"><td colspan="7"><pre class="error">${escape(run.error)}</pre></td></tr>` : '';
  return `<tr data-run="${escape(run.id)}">
<td>${timeTag(run.startedAt, now)}</td>
<td>${badge(run.status)}</td>
<td>${escape(run.kind)}${run.deployId ? `<div class="muted mono">${escape(run.deployId)}</div>` : ''}</td>
<td>${run.actor ? escape(run.actor) : '<span class="none">–</span>'}</td>
<td class="mono">${escape(run.host)} <span class="muted">pid ${run.pid}</span></td>
<td class="num">${live ? '<span class="none">running</span>' : duration(run.durationMs)}</td>
<td class="progress-cell">${progressCell(run.progress, live)}${checkpoint}</td>
</tr>${error}`;
}

function history(view: TaskView): string {
  const { runs, page, task } = view.detail;
  const href = (offset: number) => `${escape(view.base)}/tasks/${escape(task.version)}${offset > 0 ? `?offset=${offset}` : ''}`;
  const newer = page.offset > 0 ? `<a href="${href(Math.max(0, page.offset - page.limit))}" rel="prev">Newer runs</a>` : '';
  const older = page.more ? `<a href="${href(page.offset + page.limit)}" rel="next">Older runs</a>` : '';
  const rows = runs.length === 0 ? '<p class="empty">No run recorded.</p>' : `<div class="table-wrap"><table class="runs">
<thead><tr><th>Started</th><th>Status</th><th>Kind / deploy</th><th>Started by</th><th>Host</th><th class="num">Duration</th><th>Progress</th></tr></thead>
<tbody>${runs.map((run) => runRow(run, view.now)).join('\n')}</tbody></table></div>`;
  return `<section class="history"><h2>Runs</h2>${rows}<nav class="pager">${newer}${older}</nav></section>`;
}

/** The most tenants a task page lists (failed and running ones first); `after-party:status --json` has them all. */
const TENANTS_SHOWN = 500;

/** Where each tenant stands with a per-tenant task: failed, interrupted and running tenants first. */
function tenantSection(view: TaskView): string {
  const pairs = view.detail.tenants;
  if (!pairs) {
    return '';
  }
  const order = ['failed', 'interrupted', 'running', 'paused', 'pending', 'cancelled', 'completed', 'marked'];
  const sorted = [...pairs].sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state) || a.tenant.localeCompare(b.tenant));
  const counts = view.detail.status.tenants?.states ?? {};
  const summary = Object.entries(counts)
    .map(([state, value]) => `<li>${badge(state)}<span class="num">${count(value ?? 0)}</span></li>`)
    .join('');
  const rows = sorted.slice(0, TENANTS_SHOWN).map((pair) => {
    const live = pair.state === 'running';
    const error = pair.error ? `<div class="error-line">${escape(pair.error.split('\n')[0])}</div>` : '';
    return `<tr data-tenant="${escape(pair.tenant)}" data-state="${escape(pair.state)}">
<td>${badge(pair.state)}</td>
<td class="mono">${escape(pair.tenant)}${pair.listed ? '' : ' <span class="tag">no longer listed</span>'}${error}</td>
<td>${timeTag(pair.lastRunAt, view.now)}</td>
<td class="num">${live ? '<span class="none">running</span>' : duration(pair.durationMs)}</td>
<td class="progress-cell">${progressCell(pair.progress, live)}</td>
</tr>`;
  });
  const more = sorted.length > TENANTS_SHOWN ? `<p class="muted">${count(sorted.length - TENANTS_SHOWN)} more tenants: after-party:status --json lists them all.</p>` : '';
  const table = `<div class="table-wrap"><table class="tenants">
<thead><tr><th>State</th><th>Tenant</th><th>Last run</th><th class="num">Duration</th><th>Progress</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
  return `<section class="tenants"><h2>Tenants <span class="count">${count(pairs.length)}</span></h2>
<ul class="summary">${summary}</ul>
<p class="muted">Runs once per tenant. Failed and interrupted tenants run again with the next after-party:run; after-party:tenant &lt;id&gt; brings one tenant up to date.</p>
${pairs.length === 0 ? '<p class="empty">No tenant listed.</p>' : table}${more}</section>`;
}

/** A task page: what it is, where it stands, its actions, its batches and one page of its runs. */
export function renderTask(view: TaskView): string {
  const { task, status } = view.detail;
  const live = status.state === 'running';
  const current = status.progress ? `<section class="current"><h2>Progress</h2>${progressCell(status.progress, live)}</section>` : '';
  return `<nav class="crumbs"><a href="${escape(view.base)}">All tasks</a></nav>
<h1>${escape(task.name)} ${badge(status.state)}</h1>
<p class="mono muted">${escape(task.version)}</p>
<p class="description">${escape(task.description) || '<span class="none">No description.</span>'}</p>
${actions(view)}
${options(task)}
${current}
${batches(view.detail.batches)}
${view.detail.tenants ? tenantSection(view) : history(view)}`;
}
