import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  discoveryFile,
  type LocalDiscovery,
  persistentLocalToken,
  readDiscovery,
  removeDiscovery,
  stateDir,
  writeDiscovery,
} from '../../local/discovery.ts';
import { harness } from '../cli/harness.ts';

const info = (pid: number): LocalDiscovery => ({
  pid,
  url: 'http://127.0.0.1:3000',
  token: 'local-token',
  sqsEndpoint: 'http://127.0.0.1:4000',
  queueUrl: 'http://sqs.us-east-1.localhost:4000/000000000000/moengage-posthog-events',
  dlqUrl: 'http://sqs.us-east-1.localhost:4000/000000000000/moengage-posthog-events-dlq',
  startedAt: '2026-11-28T21:00:00.000Z',
});

describe('the local runner discovery file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'discovery-')), 'state');
  });
  afterEach(async () => {
    await rm(resolve(dir, '..'), { recursive: true, force: true });
  });

  it('lives in a per-user state directory', () => {
    expect(stateDir({ MOENGAGE_POSTHOG_STATE_DIR: '/x' })).toBe('/x');
    expect(stateDir({ XDG_STATE_HOME: '/s' })).toBe('/s/moengage-posthog');
    expect(stateDir({})).toMatch(/\/\.local\/state\/moengage-posthog$/);
  });

  it('is written for its owner only (dir 0700, file 0600) and read back while the runner lives', async () => {
    const path = await writeDiscovery(dir, info(process.pid));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readDiscovery(dir)).toEqual({ found: info(process.pid), tokenDropped: false });
    // A file others can read keeps its URLs but not its token.
    await chmod(path, 0o644);
    expect(await readDiscovery(dir)).toEqual({ found: { ...info(process.pid), token: undefined }, tokenDropped: true });
  });

  it('says when there is no runner, or when the one that wrote the file is gone', async () => {
    expect(await readDiscovery(dir)).toEqual({ missing: 'none', path: discoveryFile(dir) });
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => gone.on('exit', done));
    await writeDiscovery(dir, info(gone.pid ?? 0));
    expect(await readDiscovery(dir)).toEqual({ missing: 'stopped', path: discoveryFile(dir), pid: gone.pid });
    const cli = harness({ localRunner: () => readDiscovery(dir) });
    const result = await cli.run(['dlq', 'list', '--local']);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining(`(pid ${gone.pid}) is not running: start it with npm start`) });
    cli.close();
  });

  it('is removed on stop only by the runner that wrote it', async () => {
    await writeDiscovery(dir, info(process.pid));
    await removeDiscovery(dir, process.pid + 1);
    expect('found' in (await readDiscovery(dir))).toBe(true);
    await removeDiscovery(dir, process.pid);
    expect(await readDiscovery(dir)).toMatchObject({ missing: 'none' });
  });

  it('keeps a generated token across restarts, readable by its owner only', async () => {
    const first = await persistentLocalToken(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await persistentLocalToken(dir)).toBe(first);
    expect((await stat(join(dir, 'local-token'))).mode & 0o777).toBe(0o600);
  });
});

describe('npm start and --local commands', () => {
  let child: ChildProcess | undefined;
  let dir: string;
  afterEach(async () => {
    child?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the running runner with no URL, port or token copied from its banner', async () => {
    dir = await mkdtemp(join(tmpdir(), 'npm-start-'));
    const root = resolve(import.meta.dirname, '../..');
    const { WEBHOOK_TOKEN, POSTHOG_HOST, ...env } = process.env;
    child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: root,
      env: { ...env, PORT: '0', MOENGAGE_POSTHOG_STATE_DIR: dir, LOCAL_SINK_FILE: join(dir, 'sink.ndjson') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let banner = '';
    await new Promise<void>((done, fail) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        if (banner.includes('Press Ctrl+C to stop.')) done();
      });
      child?.on('exit', (code) => fail(new Error(`npm start exited with ${code} before its banner: ${banner}`)));
    });
    const token = (await readFile(join(dir, 'local-token'), 'utf8')).trim();
    expect(banner).toContain(`  token:       ${token}   (generated once, kept in ${dir}; set WEBHOOK_TOKEN to choose one)`);
    expect(banner).toContain(`(it finds it through ${discoveryFile(dir)})`);
    // README.md shows this banner: its labelled lines and the CLI hint are the runner's (values differ per run).
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const shown = /`npm start` prints[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const starts = shown
      .split('\n')
      .map((l) => /^( {2}[a-z ]+:|[A-Z][^(:]+)/.exec(l)?.[1])
      .filter((l) => l !== undefined);
    expect(starts.length).toBeGreaterThan(6);
    for (const start of starts) expect(banner).toContain(start);
    expect(shown).toContain('(generated once, kept in ');

    const cli = harness({ localRunner: () => readDiscovery(dir) });
    try {
      const sent = await cli.run(['send-test', '--local', '--dry-run', '--format', 'json']);
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({
        passed: true,
        mode: 'dry_run',
        answer: { status: 200, body: { status: 'dry_run' } },
      });
      const listed = await cli.run(['dlq', 'list', '--local']);
      expect(listed).toMatchObject({ code: 0, stdout: expect.stringContaining('No dead-lettered events.') });
    } finally {
      cli.close();
    }
    const exited = new Promise((done) => child?.on('exit', done));
    child.kill('SIGTERM');
    await exited;
    child = undefined;
    expect(await readDiscovery(dir)).toMatchObject({ missing: 'none' });
  });
});
