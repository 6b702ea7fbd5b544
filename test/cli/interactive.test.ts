import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { startFakeSecretsManager } from './fake-secrets-manager.ts';

// The y/N question of a destructive command, asked on a real terminal: util-linux `script` gives the bin a
// pseudo-terminal, so stdin and stderr are TTYs as in a shell (util-linux is on every Linux CI image).
const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, pkg.bin['moengage-posthog']);
const SECRET = 'webhook-tokens';
const TOKENS = ['newest-token-aaaaaaaaaaaaaaaa', 'older-token-bbbbbbbbbbbbbbbbb'];

async function onTerminal(args: string[], answer: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_PROFILE: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (screen.includes('[y/N] ') && !screen.includes('answered')) {
      screen += '(answered)';
      child.stdin.write(`${answer}\r`);
    }
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  child.stdin.end();
  return { code, screen };
}

describe('a destructive command on a terminal', () => {
  it('asks y/N on the terminal: N changes nothing (exit 1), y goes ahead (exit 0)', async () => {
    const sm = await startFakeSecretsManager({ [SECRET]: JSON.stringify(TOKENS) });
    try {
      const args = ['secrets', 'retire-token', '--all-but-newest', '--tokens-secret', SECRET, '--endpoint', sm.url];
      const no = await onTerminal(args, 'n');
      expect(no.screen).toContain(`Retire 1 webhook token(s) in ${SECRET}? MoEngage requests that still send them will get 401. [y/N] `);
      expect(no.screen).toContain('not confirmed: nothing changed');
      expect(no.code).toBe(1);
      expect(JSON.parse(sm.secrets.get(SECRET) ?? '')).toEqual(TOKENS);
      const yes = await onTerminal(args, 'y');
      expect(yes.code).toBe(0);
      expect(yes.screen).toContain(`Retired 1 token(s) in ${SECRET}`);
      expect(JSON.parse(sm.secrets.get(SECRET) ?? '')).toEqual(TOKENS.slice(0, 1));
    } finally {
      await sm.close();
    }
  });
});
