import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OUTREACH_EVENT_TABLE } from '#shared/mapping/outreach-events';

// docs/streams.md shows the outreach list: it must be the list the code uses, row for row.
const root = resolve(import.meta.dirname, '../..');
const streams = readFileSync(resolve(root, 'docs/streams.md'), 'utf8');

describe('docs/streams.md', () => {
  it('lists every outreach event of shared/mapping/outreach-events.ts with its codes and sources', () => {
    const documented = [...streams.matchAll(/^\| ([^|`]+) \| (`[^|]+`) \| ([a-z, ]+) \|$/gm)].map((m) => ({
      name: m[1]?.trim(),
      codes: [...(m[2] ?? '').matchAll(/`([^`]+)`/g)].map((c) => c[1]),
      sources: (m[3] ?? '').split(', '),
    }));
    expect(documented).toEqual(OUTREACH_EVENT_TABLE.map(({ name, codes, sources }) => ({ name, codes, sources })));
  });
});
