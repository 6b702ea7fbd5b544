import fc from 'fast-check';
import { packBySize } from '#shared/lib/pack';

describe('packBySize', () => {
  it.each([
    { sizes: [], limits: { maxBytes: 10 }, groups: [] },
    { sizes: [4, 4, 4], limits: { maxBytes: 10 }, groups: [[4, 4], [4]] },
    { sizes: [5, 5, 5], limits: { maxBytes: 10 }, groups: [[5, 5], [5]] },
    { sizes: [1, 1, 1, 1, 1], limits: { maxBytes: 100, maxItems: 2 }, groups: [[1, 1], [1, 1], [1]] },
    { sizes: [3, 20, 3], limits: { maxBytes: 10 }, groups: [[3], [20], [3]] },
  ])('packs $sizes within $limits', ({ sizes, limits, groups }) => {
    expect(packBySize(sizes, (n) => n, limits)).toEqual(groups);
  });

  it('keeps every item once, in order, and never passes a limit unless one item alone does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 })),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 12 }),
        (sizes, maxBytes, maxItems) => {
          const groups = packBySize(sizes, (n) => n, { maxBytes, maxItems });
          expect(groups.flat()).toEqual(sizes);
          for (const group of groups) {
            expect(group.length).toBeGreaterThan(0);
            expect(group.length).toBeLessThanOrEqual(maxItems);
            if (group.length > 1) expect(group.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
      { seed: 20261123 },
    );
  });
});
