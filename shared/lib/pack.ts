/**
 * Greedy, order-keeping packing of items into groups of at most `maxItems` items and `maxBytes` bytes (as `sizeOf`
 * counts them). An item larger than `maxBytes` on its own gets a group of its own; callers decide whether that is
 * allowed. Used for SendMessageBatch calls, PostHog /batch/ requests and MoEngage Cohort Sync requests.
 */
export function packBySize<T>(
  items: readonly T[],
  sizeOf: (item: T, index: number) => number,
  limits: { maxBytes: number; maxItems?: number },
): T[][] {
  const maxItems = limits.maxItems ?? Number.POSITIVE_INFINITY;
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  items.forEach((item, index) => {
    const size = sizeOf(item, index);
    if (current.length === maxItems || (current.length > 0 && bytes + size > limits.maxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}
