import { readFileSync } from 'node:fs';
import { LAMBDA_RUNTIME } from '../../infra/function-defaults.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>;
  engines: { node: string };
};
const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME.name)?.[1]);

describe('the runtime the tests run on', () => {
  it('is the Node major the functions deploy on', () => {
    expect(LAMBDA_RUNTIME.name).toMatch(/^nodejs\d+\.x$/);
    expect(Number(process.versions.node.split('.')[0])).toBe(lambdaMajor);
  });

  it('comes from the pinned `node` package of the same major, which engines allows', () => {
    expect(pkg.devDependencies.node).toMatch(new RegExp(`^${lambdaMajor}\\.\\d+\\.\\d+$`));
    expect(pkg.engines.node).toContain(`^${lambdaMajor}.`);
  });
});
