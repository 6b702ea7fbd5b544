import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** The import rules docs/architecture.md states, read from the code's own import statements. */
const ROOT = join(import.meta.dirname, '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The repository paths a file imports (npm packages left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? '';
    if (spec.startsWith('#shared/')) out.push(`shared/${spec.slice('#shared/'.length).replace(/\.ts$/, '')}.ts`);
    else if (spec.startsWith('.')) out.push(normalize(join(dirname(file), spec)));
  }
  return out.filter((p) => p.endsWith('.ts'));
}

const SHARED = files('shared');
const GRAPH = new Map(SHARED.map((f) => [f, importsOf(f)]));
const folder = (path: string) => path.split('/')[1] ?? '';

describe('the house (docs/architecture.md, "What may import what")', () => {
  it('shared/ imports nothing outside shared/ (no functions/, local/, cli/, infra/, bench/, test/)', () => {
    expect([...GRAPH.values()].flat().length).toBeGreaterThan(100); // the reader sees the imports at all
    const outside = [...GRAPH].flatMap(([f, deps]) => deps.filter((d) => !d.startsWith('shared/')).map((d) => `${f} → ${d}`));
    expect(outside).toEqual([]);
  });

  it.each([
    ['lib', ['lib']],
    ['mapping', ['mapping', 'lib']],
    ['posthog', ['posthog', 'lib']],
    ['connector', ['connector', 'mapping', 'posthog', 'lib']],
    ['streams', ['streams', 'mapping', 'posthog', 'lib']],
  ])('shared/%s imports only from %j', (name, allowed) => {
    const wrong = [...GRAPH]
      .filter(([f]) => folder(f) === name)
      .flatMap(([f, deps]) => deps.filter((d) => !allowed.includes(folder(d))).map((d) => `${f} → ${d}`));
    expect(wrong).toEqual([]);
  });

  it('has no import cycle between files of shared/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((p) => relative('shared', p)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const dep of GRAPH.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of SHARED) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('local/ imports nothing from cli/ (cli/ drives local/)', () => {
    const local = files('local');
    const wrong = local.flatMap((f) =>
      importsOf(f)
        .filter((d) => d.startsWith('cli/'))
        .map((d) => `${f} → ${d}`),
    );
    expect(local.length).toBeGreaterThan(10);
    expect(wrong).toEqual([]);
  });

  it('keeps each Lambda handler thin: functions/ import shared/ only', () => {
    const handlers = files('functions');
    const wrong = handlers.flatMap((f) =>
      importsOf(f)
        .filter((d) => !d.startsWith('shared/'))
        .map((d) => `${f} → ${d}`),
    );
    expect(handlers.length).toBeGreaterThanOrEqual(4);
    expect(wrong).toEqual([]);
  });
});

describe('one HTTP client seam (docs/architecture.md, "What may import what")', () => {
  const text = (f: string) => readFileSync(join(ROOT, f), 'utf8');
  const deployed = ['shared', 'functions'].flatMap((dir) => files(dir));

  it("sends the deployed code's HTTP requests from shared/lib alone: node:http(s) pools there, fetch for ?verify=1", () => {
    const nodeHttp = deployed.filter((f) => /from\s*['"]node:https?['"]|require\(\s*['"]node:https?['"]/.test(text(f)));
    expect(nodeHttp).toEqual(['shared/lib/node-http-transport.ts']);
    const fetchCalls = deployed.filter((f) => /(?<![\w.])fetch\(/.test(text(f)));
    expect(fetchCalls).toEqual(['shared/lib/http-transport.ts']);
  });

  it("imports no undici anywhere: Node's http.Agent gives the pool control without its bundle weight", () => {
    const code = ['shared', 'functions', 'local', 'cli', 'infra', 'bench', 'test'].flatMap((dir) => files(dir));
    const importers = code.filter((f) => /from\s*['"]undici['"]|import\(\s*['"]undici['"]|require\(\s*['"]undici['"]/.test(text(f)));
    expect(importers).toEqual([]);
  });
});

describe('design notes live in the repository', () => {
  const sources = ['shared', 'functions', 'infra', 'local', 'cli', 'bench', 'test'].flatMap((dir) => files(dir));
  const docs = readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f));
  const texts = [...sources, ...docs, 'README.md'].map((f) => [f, readFileSync(join(ROOT, f), 'utf8')] as const);

  it('no code comment or doc cites a design file outside the repository', () => {
    const outside = texts.filter(
      ([f, text]) => f !== 'test/architecture.test.ts' && /DESIGN\.md|shared\/reference\/|reference\/(posthog|moengage)/.test(text),
    );
    expect(outside.map(([f]) => f)).toEqual([]);
  });

  it('every section cited as docs/architecture.md, "…" exists', () => {
    const headings = new Set(
      [...readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => m[1]?.trim() ?? ''),
    );
    const cited = texts
      .filter(([f]) => f !== 'test/architecture.test.ts')
      .flatMap(([f, text]) => [...text.matchAll(/docs\/architecture\.md, "([^"]+)"/g)].map((m) => [f, m[1] ?? ''] as const));
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter(([, section]) => !headings.has(section))).toEqual([]);
  });
});
