import { replaceColdStartSection } from '../../bench/cold-start-section.ts';

describe('replaceColdStartSection (npx tsx bench/run.ts --cold-start)', () => {
  const page = [
    '# Benchmarks',
    '',
    '## 3. End to end',
    'e2e',
    '',
    '## 4. Cold start: old',
    'old table',
    '',
    '## 5. Scale note',
    'scale',
    '',
  ].join('\n');

  it('replaces section 4 alone and keeps the sections around it byte for byte', () => {
    const out = replaceColdStartSection(page, '## 4. Cold start: new\n\nnew table\n\n');
    expect(out).toBe(
      [
        '# Benchmarks',
        '',
        '## 3. End to end',
        'e2e',
        '',
        '## 4. Cold start: new',
        '',
        'new table',
        '',
        '## 5. Scale note',
        'scale',
        '',
      ].join('\n'),
    );
  });

  it('refuses a page without section 4 or 5 instead of writing a broken page', () => {
    expect(() => replaceColdStartSection('# Benchmarks\n## 5. Scale note\n', 'x')).toThrow(/no section 4/);
    expect(() => replaceColdStartSection('# Benchmarks\n## 4. Cold start\n', 'x')).toThrow(/no section 4/);
  });
});
