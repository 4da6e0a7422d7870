import { describe, expect, it } from 'vitest';
import { findRefusedArgument, parseKioskSwitches } from '../../src/main/command-line.js';
import { exitCodes } from '../../src/main/exit-codes.js';

describe('findRefusedArgument', () => {
  for (const arg of [
    '--inspect',
    '--inspect=9229',
    '--inspect-brk',
    '--inspect-brk=0.0.0.0:9229',
    '--inspect-port=1',
    '--INSPECT',
    '-inspect',
    '--remote-debugging-port=9222',
    '--remote-debugging-pipe',
    '--remote-debugging-address=0.0.0.0',
    '--js-flags=--allow-natives-syntax',
    '--js-flags',
    '--remote-allow-origins=*',
    '--debug=5858',
  ]) {
    it(`refuses ${arg}, naming only the switch`, () => {
      const refused = findRefusedArgument(['C:\\MyPass\\MyPass.exe', arg]);
      expect(refused?.code).toBe('refused_argument');
      expect(refused?.name).not.toContain('=');
    });
  }
  it('accepts the kiosk switches and Chromium noise', () => {
    expect(
      findRefusedArgument([
        'MyPass.exe',
        '--mypass-pipe=\\\\.\\pipe\\x',
        '--mypass-nonce=abcdefghijklmnop',
        '--lang=da',
        'inspect',
      ]),
    ).toBeUndefined();
  });
  it('has its own exit code', () => {
    expect(exitCodes.refusedArguments).toBe(4);
    expect(new Set(Object.values(exitCodes)).size).toBe(Object.keys(exitCodes).length);
    expect(exitCodes.completed).toBe(0);
  });
});

describe('parseKioskSwitches', () => {
  const nonce = 'Zm9yLXRlc3RzLW9ubHktbm9uY2U';
  it('pipe + nonce means tile mode', () => {
    expect(parseKioskSwitches([`--mypass-pipe=\\\\.\\pipe\\MyPass-1`, `--mypass-nonce=${nonce}`])).toEqual({
      ok: true,
      value: { pipe: '\\\\.\\pipe\\MyPass-1', nonce, mode: 'tile' },
    });
  });
  it('standing mode by switch, and policy file', () => {
    expect(parseKioskSwitches(['--mypass-mode=standing', '--mypass-policy-file=/etc/k.json'])).toEqual({
      ok: true,
      value: { mode: 'standing', policyFile: '/etc/k.json' },
    });
  });
  it('no switches leave the mode to policy', () => {
    expect(parseKioskSwitches(['--lang=da'])).toEqual({ ok: true, value: {} });
  });
  for (const [name, argv] of [
    ['pipe without nonce', ['--mypass-pipe=x']],
    ['nonce without pipe', [`--mypass-nonce=${nonce}`]],
    ['tile mode without pipe', ['--mypass-mode=tile']],
    ['unknown mode', ['--mypass-mode=debug']],
    ['unknown switch', ['--mypass-devtools=1']],
    ['switch without value', ['--mypass-pipe']],
    ['short nonce', ['--mypass-pipe=x', '--mypass-nonce=abc']],
    ['repeated switch', ['--mypass-mode=standing', '--mypass-mode=tile']],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(parseKioskSwitches(argv).ok).toBe(false);
    });
  }
});
