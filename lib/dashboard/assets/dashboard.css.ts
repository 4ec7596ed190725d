/** The dashboard's one stylesheet: light and dark (prefers-color-scheme), responsive, numbers aligned. */
export const DASHBOARD_CSS = `
:root {
  --bg: #f7f7f8; --panel: #ffffff; --text: #1d1f23; --muted: #62666d; --line: #e2e4e8;
  --accent: #3b5bdb; --ok: #2b8a3e; --warn: #b35c00; --bad: #c92a2a; --info: #1971c2; --idle: #868e96;
  --bar: #dfe3ea;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417; --panel: #1a1d21; --text: #e6e8eb; --muted: #9aa0a8; --line: #2b2f35;
    --accent: #8da2fb; --ok: #69db7c; --warn: #ffa94d; --bad: #ff8787; --info: #74c0fc; --idle: #adb5bd;
    --bar: #2b3038;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.top {
  display: flex; flex-wrap: wrap; gap: .75rem; align-items: baseline;
  padding: .75rem 1.25rem; background: var(--panel); border-bottom: 1px solid var(--line);
}
.brand { font-weight: 700; color: var(--text); }
.where { color: var(--muted); flex: 1; min-width: 12rem; }
.live { font-size: .8rem; color: var(--muted); }
.live::before { content: "\\25CF "; color: var(--idle); }
.live[data-state="live"]::before { color: var(--ok); }
.live[data-state="polling"]::before { color: var(--warn); }
.live[data-state="held"]::before { color: var(--warn); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
h2 { font-size: 1.05rem; margin: 1.75rem 0 .6rem; }
.count { color: var(--muted); font-weight: 400; font-variant-numeric: tabular-nums; }
.num { font-variant-numeric: tabular-nums; }
th.num, td.num { text-align: right; white-space: nowrap; }
.mono, pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.muted, .none, .desc { color: var(--muted); }
.desc { font-size: .85rem; }
.empty { color: var(--muted); margin: .25rem 0; }
.flash {
  position: sticky; top: 0; z-index: 2; margin: 0; padding: .6rem 1.25rem;
  background: var(--panel); border-bottom: 1px solid var(--line); display: flex; gap: .75rem; align-items: center; flex-wrap: wrap;
}
.flash[hidden] { display: none; }
.flash.ok { border-left: 4px solid var(--ok); }
.flash.error { border-left: 4px solid var(--bad); }
.flash.ask { border-left: 4px solid var(--accent); }
.flash .text { flex: 1; min-width: 14rem; }
.banner { margin: .5rem 0; padding: .6rem .8rem; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); }
.banner-warning { border-left: 4px solid var(--warn); }
.banner-error { border-left: 4px solid var(--bad); }
.summary { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1rem; padding: 0; margin: .5rem 0; }
.summary li { display: flex; gap: .35rem; align-items: center; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: .5rem .7rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
tbody tr:last-child td { border-bottom: 0; }
td.name a { font-weight: 600; }
table.tasks { table-layout: fixed; min-width: 56rem; }
table.tasks th:nth-child(1) { width: 8.5rem; }
table.tasks th:nth-child(2) { width: 9.5rem; }
table.tasks th:nth-child(4) { width: 7.5rem; }
table.tasks th:nth-child(5) { width: 6.5rem; }
table.tasks th:nth-child(6) { width: 30%; }
td.name { overflow-wrap: anywhere; }
.tag { font-size: .7rem; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; }
.error-line { color: var(--bad); font-size: .85rem; }
.badge {
  display: inline-block; font-size: .72rem; font-weight: 600; padding: .1rem .45rem; border-radius: 999px;
  border: 1px solid currentColor; color: var(--idle); white-space: nowrap; text-transform: lowercase;
}
.badge-running, .badge-queued { color: var(--info); }
.badge-completed, .badge-marked { color: var(--ok); }
.badge-failed, .badge-interrupted { color: var(--bad); }
.badge-paused, .badge-cancelled, .badge-pending { color: var(--warn); }
.progress { display: flex; flex-direction: column; gap: .2rem; min-width: 10rem; }
.progress .num { font-size: .8rem; color: var(--muted); }
progress { width: 100%; height: .5rem; appearance: none; -webkit-appearance: none; border: 0; border-radius: 999px; background: var(--bar); overflow: hidden; }
progress::-webkit-progress-bar { background: var(--bar); border-radius: 999px; }
progress::-webkit-progress-value { background: var(--accent); border-radius: 999px; }
progress::-moz-progress-bar { background: var(--accent); border-radius: 999px; }
.crumbs { font-size: .9rem; margin-top: .5rem; }
.description { margin: 0 0 1rem; }
.options { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .5rem 1rem; margin: 1rem 0; padding: .8rem 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.options dt { font-size: .75rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.options dd { margin: 0; font-variant-numeric: tabular-nums; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; }
button {
  font: inherit; font-size: .9rem; padding: .4rem .9rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--panel);
}
button.secondary { background: transparent; color: var(--text); border-color: var(--line); }
button.danger { background: transparent; color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .5; cursor: progress; }
button:focus-visible, a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
pre.error { white-space: pre-wrap; word-break: break-word; color: var(--bad); margin: .25rem 0; max-height: 24rem; overflow: auto; }
tr.run-error td { padding-top: 0; }
details summary { cursor: pointer; color: var(--muted); font-size: .8rem; }
details pre { white-space: pre-wrap; word-break: break-all; }
.pager { display: flex; gap: 1rem; margin-top: .75rem; }
.failed-batches { padding-left: 1.2rem; }
@media (max-width: 640px) {
  table.tasks { table-layout: auto; min-width: 0; }
  table.tasks th:nth-child(2), table.tasks td:nth-child(2), table.tasks th:nth-child(5), table.tasks td:nth-child(5) { display: none; }
  table.tasks th:nth-child(n) { width: auto; }
  table.tasks td.name { overflow-wrap: break-word; min-width: 9rem; }
  table.tasks .progress { min-width: 5rem; }
  .where { min-width: 0; }
  body { font-size: 14px; }
  main { padding: .75rem; }
  th, td { padding: .4rem .5rem; }
  .progress { min-width: 6rem; }
}
`;
