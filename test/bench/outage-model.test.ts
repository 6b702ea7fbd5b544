import { readFileSync } from 'node:fs';
import { outageRow, renderOutageTable } from '../../bench/outage-model.ts';

describe('the outage model', () => {
  it.each([
    ['24 hours', 86_400, 1_000, { backlog: 86_400_000, posthogRequests: 1_455, drainSeconds: 86_400_000 / 2_103 }],
    ['1 hour', 3_600, 10, { backlog: 36_000, posthogRequests: 75, drainSeconds: 36_000 / 3_093 }],
  ])('%s at %i events/s', (label, seconds, rate, expected) => {
    expect(outageRow(label, seconds, rate)).toMatchObject(expected);
  });

  it('never drains when events arrive faster than the event source delivers', () => {
    expect(outageRow('1 hour', 3_600, 5_000).drainSeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it('is the table docs/operations.md shows', () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const block = /<!-- outage-model:start -->\n([\s\S]*?)\n<!-- outage-model:end -->/.exec(doc)?.[1];
    expect(block).toBe(renderOutageTable());
  });
});

describe('the recovery figure docs/operations.md quotes', () => {
  it('is the median of docs/benchmarks.md §6 (npm run bench:recovery)', () => {
    const benchmarks = readFileSync(new URL('../../docs/benchmarks.md', import.meta.url), 'utf8');
    const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const section = benchmarks.slice(benchmarks.indexOf('## 6. Recovery'));
    const median = /^\| 50,000 \| ([\d,]+) \(/m.exec(section)?.[1];
    expect(median).toBeDefined();
    expect(operations).toContain(`${median} events/s (median of 3 runs)`);
  });
});
