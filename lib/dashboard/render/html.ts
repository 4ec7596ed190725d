/** Text made safe for HTML content and attribute values. */
export function escape(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The page around a view: the assets of the package, the CSRF token, and what the script needs to follow the view live. */
export interface Page {
  title: string;
  /** The dashboard's path, with its leading slash. */
  base: string;
  csrf: string;
  /** `overview` or `task`, with the task and the page of its history. */
  view: { name: 'overview' | 'task'; task?: string; offset?: number };
  readOnly: boolean;
  /** Store and environment, for the header. */
  where: string;
  body: string;
}

/** What every page's head starts with: the character set, the viewport, both colour schemes, its title and the stylesheet. */
function head(base: string, title: string): string {
  return `<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escape(title)} · after-party</title>
<link rel="stylesheet" href="${escape(base)}/assets/dashboard.css">`;
}

/** A whole page: server-rendered, one stylesheet and one script of the package, nothing inline. */
export function layout(page: Page): string {
  const { base, view } = page;
  return `<!doctype html>
<html lang="en">
<head>
${head(base, page.title)}
<meta name="after-party-csrf" content="${escape(page.csrf)}">
<link rel="icon" href="${escape(base)}/assets/icon.svg" type="image/svg+xml">
<script src="${escape(base)}/assets/dashboard.js" defer></script>
</head>
<body data-base="${escape(base)}" data-view="${view.name}" data-task="${escape(view.task ?? '')}" data-offset="${view.offset ?? 0}" data-read-only="${page.readOnly}">
<header class="top">
<a class="brand" href="${escape(base)}">after-party</a>
<span class="where">${escape(page.where)}</span>
<span class="live" id="live" data-state="connecting">connecting</span>
</header>
<div class="flash" id="flash" role="status" aria-live="polite" hidden></div>
<main id="view">
${page.body}
</main>
</body>
</html>
`;
}

/** The page of a task that does not exist: the dashboard's stylesheet, the reason, a way back; no script. */
export function notFoundPage(base: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head>
${head(base, 'Not found')}
</head>
<body>
<header class="top"><a class="brand" href="${escape(base)}">after-party</a></header>
<main id="view">
<h1>Not found</h1>
<p>${escape(message)}</p>
<p><a href="${escape(base)}">All tasks</a></p>
</main>
</body>
</html>
`;
}
