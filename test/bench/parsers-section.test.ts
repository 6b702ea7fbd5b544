import { PARSERS_HEADING, replaceParsersSection } from '../../bench/report-parsers.ts';

describe('replaceParsersSection (npx tsx bench/run.ts --parsers)', () => {
  const section = `${PARSERS_HEADING}\n\nnew table\n`;

  it('replaces section 7 alone and keeps the sections around it byte for byte', () => {
    const page = [
      '# Benchmarks',
      '',
      '## 6. Recovery',
      'r',
      '',
      PARSERS_HEADING,
      'old table',
      '',
      '## Cost per million events',
      'cost',
      '',
    ].join('\n');
    expect(replaceParsersSection(page, section)).toBe(
      ['# Benchmarks', '', '## 6. Recovery', 'r', '', PARSERS_HEADING, '', 'new table', '', '## Cost per million events', 'cost', ''].join(
        '\n',
      ),
    );
  });

  it('adds section 7 before the cost section when the page has none yet', () => {
    const page = ['## 6. Recovery', 'r', '', '## Cost per million events', 'cost', ''].join('\n');
    expect(replaceParsersSection(page, section)).toBe(
      ['## 6. Recovery', 'r', '', PARSERS_HEADING, '', 'new table', '', '## Cost per million events', 'cost', ''].join('\n'),
    );
  });
});
