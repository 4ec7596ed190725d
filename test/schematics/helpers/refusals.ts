/**
 * Options every task generator (task, every-deploy-task, batch-task) refuses, writing nothing:
 * a case's title, the options, and the message it must name.
 */
export const TASK_OPTION_REFUSALS: Array<[string, Record<string, unknown>, RegExp]> = [
  ['an empty name', { name: '  ' }, /needs a name/],
  ['a missing name', {}, /needs a name/],
  ['a name with "..", a path traversal', { name: '../evil' }, /contains a path/],
  ['a name with a slash', { name: 'billing/fix' }, /contains a path/],
  ['a name starting with a digit', { name: '2fa-backfill' }, /cannot become a class name/],
  ['a name with punctuation', { name: 'fix!emails' }, /cannot become a class name/],
  ['a path leaving the source root', { name: 'a', path: '../outside' }, /leaves the source root/],
  ['a multi-line description', { name: 'a', description: 'one\ntwo' }, /single line/],
  ['a JavaScript project', { name: 'a', language: 'js' }, /TypeScript/],
];
