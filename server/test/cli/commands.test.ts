import { describe, expect, it } from 'vitest';
import type { CliCommand, CliIo } from '../../src/cli/cli-io.js';
import { commands, runCli } from '../../src/cli/commands.js';

function io(): CliIo & { out: string; err: string } {
  const sink = {
    out: '',
    err: '',
    env: {},
    stdout: (t: string) => {
      sink.out += t;
    },
    stderr: (t: string) => {
      sink.err += t;
    },
  };
  return sink;
}

describe('mypass (dispatch)', () => {
  it('lists the commands on --help and exits 0', async () => {
    const s = io();
    expect(await runCli(['--help'], s)).toBe(0);
    expect(s.out).toMatch(/^usage: mypass <command>/);
    expect(s.out).toMatch(/^ {2}doctor +check the Entra ID app registration/m);
  });

  it('refuses an unknown command or none with exit code 2', async () => {
    const s = io();
    expect(await runCli(['frobnicate'], s)).toBe(2);
    expect(s.err).toContain('unknown command "frobnicate"');
    expect(await runCli(['constructor'], io())).toBe(2);
    expect(await runCli([], io())).toBe(2);
  });

  it('dispatches to a command added to the table (how `serve` joins)', async () => {
    const seen: string[][] = [];
    const serve: CliCommand = {
      summary: 'run the API',
      usage: 'usage: mypass serve',
      run: (args) => {
        seen.push(args);
        return Promise.resolve(0);
      },
    };
    expect(await runCli(['serve', '--port', '1'], io(), { ...commands, serve })).toBe(0);
    expect(seen).toEqual([['--port', '1']]);
  });

  it('turns a crashing command into exit code 70 without a stack trace', async () => {
    const s = io();
    const boom: CliCommand = {
      summary: '',
      usage: '',
      run: () => Promise.reject(new TypeError('secret=hunter2')),
    };
    expect(await runCli(['boom'], s, { boom })).toBe(70);
    expect(s.err).toBe('mypass boom: unexpected error (TypeError)\n');
  });

  it('doctor: --help prints its usage; an unknown option is a usage error', async () => {
    const help = io();
    expect(await runCli(['doctor', '--help'], help)).toBe(0);
    expect(help.out).toContain('usage: mypass doctor [--config FILE]');
    const bad = io();
    expect(await runCli(['doctor', '--colour'], bad)).toBe(2);
    expect(bad.err).toContain("Unknown option '--colour'");
  });
});
