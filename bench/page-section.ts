/**
 * `page` (docs/benchmarks.md) with the section that starts at `heading` (up to the next `## ` heading) replaced by
 * `section`; a page without it gets it before the cost section, or at the end. What each single-section run
 * (`--cold-start`, `--parsers`, `npm run bench:recovery`) writes, leaving the other sections byte for byte.
 */
export function replaceSection(page: string, heading: string, section: string): string {
  const start = page.indexOf(heading);
  if (start >= 0) {
    const next = page.indexOf('\n## ', start + heading.length);
    return `${page.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : page.slice(next)}`;
  }
  const cost = page.indexOf('\n## Cost per million events');
  return cost >= 0 ? `${page.slice(0, cost)}\n${section.trimEnd()}\n${page.slice(cost)}` : `${page.trimEnd()}\n\n${section}`;
}
