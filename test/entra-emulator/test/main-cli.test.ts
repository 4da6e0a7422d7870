import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: resolve(import.meta.dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('main.ts', () => {
  it('prints one JSON line when ready, serves on it, and stops on SIGTERM', async () => {
    const child = run(['--port', '0']);
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout ?? process.stdin });
      const [line] = (await once(lines, 'line')) as [string];
      const ready = JSON.parse(line) as Record<string, string> & { groups: Record<string, string> };
      expect(Object.keys(ready).sort()).toEqual([
        'caPath',
        'clientId',
        'clientSecret',
        'domain',
        'groups',
        'origin',
        'tenantId',
      ]);
      // The bench's stack configures the licensed groups from this line when the emulator runs apart.
      expect(ready.groups['MyPass Licensed']).toMatch(/^[0-9a-f-]{36}$/);
      expect(ready.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${ready.origin}/contoso.example/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses to bind anything but 127.0.0.1', async () => {
    const child = run(['--host', '0.0.0.0']);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toMatch(/127\.0\.0\.1 only/);
  });
});
