import type { StatusRow, TaskState, TenantCounts } from '../../status/status-row.interface';
import type { Banner } from './banners';
import { badge, duration, progressCell, timeTag } from './format';
import { escape } from './html';

/** The overview's groups, in order, each with the states it holds. */
const GROUPS: Array<{ id: string; title: string; states: TaskState[] }> = [
  { id: 'running', title: 'Running', states: ['running'] },
  { id: 'pending', title: 'Pending', states: ['pending'] },
  { id: 'attention', title: 'Failed, interrupted, paused or cancelled', states: ['failed', 'interrupted', 'paused', 'cancelled'] },
  { id: 'completed', title: 'Completed', states: ['completed', 'marked'] },
  { id: 'other', title: 'Not run here', states: ['excluded', 'no-task'] },
];

/** What the overview is drawn from. */
export interface OverviewView {
  base: string;
  rows: StatusRow[];
  banners: Banner[];
  summary: Record<string, number>;
  now: number;
}

function bannerList(banners: Banner[]): string {
  return banners.map((banner) => `<p class="banner banner-${banner.level}" role="alert">${escape(banner.text)}</p>`).join('\n');
}

function summaryLine(summary: Record<string, number>): string {
  const parts = Object.entries(summary)
    .filter(([, value]) => value > 0)
    .map(([state, value]) => `<li>${badge(state)}<span class="num">${value}</span></li>`);
  return `<ul class="summary">${parts.join('')}</ul>`;
}

/** The most failed tenants an overview row names (the task page lists them all). */
const FAILED_TENANTS_SHOWN = 3;

/** A per-tenant task's tenants in a line: counts by state, then the first failed tenants. */
function tenantLine(tenants: TenantCounts): string {
  const counts = Object.entries(tenants.states).map(([state, value]) => `${value} ${escape(state)}`);
  const failed = tenants.failed.slice(0, FAILED_TENANTS_SHOWN).map((entry) => escape(entry.tenant));
  const more = tenants.failed.length > FAILED_TENANTS_SHOWN ? ` and ${tenants.failed.length - FAILED_TENANTS_SHOWN} more` : '';
  return `<div class="desc tenant-counts">${tenants.total} tenants: ${counts.join(', ') || 'none listed'}${failed.length > 0 ? `<div class="error-line">failed: ${failed.join(', ')}${more}</div>` : ''}</div>`;
}

function row(base: string, task: StatusRow, now: number): string {
  const link = task.state === 'no-task' ? escape(task.name) : `<a href="${escape(base)}/tasks/${escape(task.version)}">${escape(task.name)}</a>`;
  const live = task.state === 'running';
  const error = task.error ? `<div class="error-line">${escape(task.error.split('\n')[0])}</div>` : '';
  const tags = `${task.everyDeploy ? ' <span class="tag">every deploy</span>' : ''}${task.tenants ? ' <span class="tag">per tenant</span>' : ''}`;
  return `<tr data-version="${escape(task.version)}" data-state="${escape(task.state)}">
<td>${badge(task.state)}</td>
<td class="num mono">${escape(task.version)}</td>
<td class="name">${link}${tags}<div class="desc">${escape(task.description)}</div>${error}${task.tenants ? tenantLine(task.tenants) : ''}</td>
<td>${timeTag(task.lastRunAt, now)}</td>
<td class="num">${live ? '<span class="none">running</span>' : duration(task.durationMs)}</td>
<td class="progress-cell">${progressCell(task.progress, live)}</td>
</tr>`;
}

function group(view: OverviewView, spec: (typeof GROUPS)[number]): string {
  const rows = view.rows.filter((task) => spec.states.includes(task.state));
  if (rows.length === 0 && spec.id === 'other') {
    return '';
  }
  const body = rows.length === 0 ? '<p class="empty">None.</p>' : table(rows.map((task) => row(view.base, task, view.now)).join('\n'));
  return `<section class="group group-${spec.id}" id="group-${spec.id}">
<h2>${escape(spec.title)} <span class="count">${rows.length}</span></h2>
${body}
</section>`;
}

function table(rows: string): string {
  return `<div class="table-wrap"><table class="tasks">
<thead><tr><th>State</th><th>Version</th><th>Task</th><th>Last run</th><th class="num">Duration</th><th>Progress</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

/** The overview: banners, the counts by state, then every task grouped by where it stands. */
export function renderOverview(view: OverviewView): string {
  return `<h1>Deploy tasks</h1>
${bannerList(view.banners)}
${summaryLine(view.summary)}
${GROUPS.map((spec) => group(view, spec)).join('\n')}`;
}
