import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env } };
}

describe('mypass serve', () => {
  it('is in the command table and explains itself', async () => {
    const help = io();
    expect(await runCli(['serve', '--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('usage: mypass serve');
    const usage = io();
    await runCli(['--help'], usage.io);
    expect(usage.out.join('')).toContain('serve');
  });

  it('answers a configuration error with exit code 2 and names the field, never its value', async () => {
    const run = io({
      AZURE_CLIENT_SECRET: 'a-secret-value-that-must-not-echo',
      AZURE_CLIENT_ID: 'not-a-guid',
    });
    expect(await runCli(['serve'], run.io)).toBe(2);
    const text = run.err.join('');
    expect(text).toContain('directory.clientId');
    expect(text).not.toContain('a-secret-value-that-must-not-echo');
  });

  it('rejects unknown options with exit code 2', async () => {
    const run = io();
    expect(await runCli(['serve', '--bogus'], run.io)).toBe(2);
  });
});
