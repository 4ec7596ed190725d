import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

const ROOT = join(__dirname, '..', '..');
const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', 'docs/deploy-recipes.md'];

/** Every fenced YAML block of a Markdown file, with the line it starts on. */
function yamlBlocks(file: string): Array<{ line: number; text: string }> {
  const markdown = readFileSync(join(ROOT, file), 'utf8');
  const blocks: Array<{ line: number; text: string }> = [];
  for (const match of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, text: match[1] });
  }
  return blocks;
}

describe('the YAML recipes of the docs', () => {
  const blocks = DOCUMENTS.flatMap((file) => yamlBlocks(file).map((block) => ({ file, ...block })));

  it('finds the recipes (GitHub Actions, Kubernetes, Helm)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((block) => [`${block.file}:${block.line}`, block.text]))('%s parses as YAML', (_, text) => {
    // A Helm template is YAML once rendered: its {{ ... }} expressions stand for plain words.
    const rendered = text.replace(/\{\{[^}]*\}\}/g, 'rendered');
    expect(() => loadAll(rendered, () => undefined)).not.toThrow();
  });
});
