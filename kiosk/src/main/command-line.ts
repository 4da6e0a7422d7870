// The kiosk's command line: which debugging switches refuse a start, and how the run mode is chosen.
// Chromium and Node read some switches before our code runs; the fuses (installer/kiosk) turn those
// off in release builds, and this check makes a start with them fail loudly everywhere else.

/** Switches that would open a debugger or change V8's behaviour; matched case-insensitively, `-` or `--`. */
const refusedPrefixes = ['inspect', 'remote-debugging-', 'js-flags', 'debug', 'remote-allow-origins'];

export interface RefusedArgument {
  readonly code: 'refused_argument';
  /** The switch name only (never its value). */
  readonly name: string;
}

/** The first refused switch in argv, or undefined when the command line is acceptable. */
export function findRefusedArgument(argv: readonly string[]): RefusedArgument | undefined {
  for (const arg of argv) {
    const match = /^--?([A-Za-z][A-Za-z0-9-]*)/.exec(arg);
    if (!match?.[1]) continue;
    const name = match[1].toLowerCase();
    if (refusedPrefixes.some((p) => name === p.replace(/-$/, '') || name.startsWith(p))) {
      return { code: 'refused_argument', name };
    }
  }
  return undefined;
}

export type RunMode = 'tile' | 'standing';

export interface KioskSwitches {
  /** Set when the credential provider started us: the named pipe (or, in tests, Unix socket) to use. */
  readonly pipe?: string;
  /** The one-time nonce the provider put on our command line. */
  readonly nonce?: string;
  /** `--mypass-mode=standing|tile`; when absent, a pipe means tile and no pipe means policy decides. */
  readonly mode?: RunMode;
  /** `--mypass-policy-file=PATH`: the JSON policy off Windows (development, Linux kiosks). */
  readonly policyFile?: string;
}

export type SwitchesResult =
  | { readonly ok: true; readonly value: KioskSwitches }
  | { readonly ok: false; readonly code: 'invalid_switch'; readonly name: string };

const switchNames = ['pipe', 'nonce', 'mode', 'policy-file'] as const;

/** Reads `--mypass-<name>=<value>` switches; unknown `--mypass-*` switches and bad values are errors. */
export function parseKioskSwitches(argv: readonly string[]): SwitchesResult {
  const found: Record<string, string> = {};
  for (const arg of argv) {
    const match = /^--mypass-([a-z-]+)=(.*)$/s.exec(arg);
    if (!match) {
      if (arg.startsWith('--mypass-')) return { ok: false, code: 'invalid_switch', name: arg.slice(2, 40) };
      continue;
    }
    const [, name = '', value = ''] = match;
    if (!(switchNames as readonly string[]).includes(name) || value === '' || name in found) {
      return { ok: false, code: 'invalid_switch', name: `mypass-${name}` };
    }
    found[name] = value;
  }
  const mode = found.mode;
  if (mode !== undefined && mode !== 'tile' && mode !== 'standing') {
    return { ok: false, code: 'invalid_switch', name: 'mypass-mode' };
  }
  if (found.nonce !== undefined && !/^[A-Za-z0-9_-]{16,128}$/.test(found.nonce)) {
    return { ok: false, code: 'invalid_switch', name: 'mypass-nonce' };
  }
  // Tile mode needs both halves of the handshake; one without the other is a broken launch.
  if ((found.pipe === undefined) !== (found.nonce === undefined) || (mode === 'tile' && !found.pipe)) {
    return { ok: false, code: 'invalid_switch', name: found.pipe ? 'mypass-nonce' : 'mypass-pipe' };
  }
  return {
    ok: true,
    value: {
      ...(found.pipe !== undefined ? { pipe: found.pipe } : {}),
      ...(found.nonce !== undefined ? { nonce: found.nonce } : {}),
      ...(mode !== undefined ? { mode } : found.pipe !== undefined ? { mode: 'tile' as const } : {}),
      ...(found['policy-file'] !== undefined ? { policyFile: found['policy-file'] } : {}),
    },
  };
}
