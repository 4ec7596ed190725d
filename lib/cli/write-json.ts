/** Writes one JSON document on stdout: the machine-readable output of `--json`. */
export function writeJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
