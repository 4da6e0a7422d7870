// The standing kiosk's policy from HKLM\SOFTWARE\Policies\MyPass\Kiosk (written by the ADMX). Node has
// no registry API; this is the ONE module that runs `reg.exe query` and parses its text output.
// Output format (one value per line, four-space separated):
//   HKEY_LOCAL_MACHINE\SOFTWARE\Policies\MyPass\Kiosk
//       ServerUrl    REG_SZ    https://mypass.example.org
//       InactivityTimeoutSeconds    REG_DWORD    0x3c
//       AllowedLanguages    REG_MULTI_SZ    en\0de\0fr
import { execFile } from 'node:child_process';

export const kioskPolicyKey = 'HKLM\\SOFTWARE\\Policies\\MyPass\\Kiosk';

export type RegistryValue =
  | { readonly type: 'REG_SZ' | 'REG_EXPAND_SZ'; readonly value: string }
  | { readonly type: 'REG_DWORD' | 'REG_QWORD'; readonly value: number }
  | { readonly type: 'REG_MULTI_SZ'; readonly value: readonly string[] };

const valueLine =
  /^ {4}(.+?) {4}(REG_SZ|REG_EXPAND_SZ|REG_DWORD|REG_QWORD|REG_MULTI_SZ|REG_BINARY|REG_NONE) {4}(.*)$/;
const emptyValueLine = /^ {4}(.+?) {4}(REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ)$/;

/** Parses `reg query <key>` output (values of the key itself; subkeys are ignored). */
export function parseRegQueryOutput(output: string): Map<string, RegistryValue> {
  const values = new Map<string, RegistryValue>();
  let keyHeaders = 0;
  for (const line of output.split(/\r?\n/)) {
    if (/^HKEY_/i.test(line)) {
      keyHeaders += 1;
      continue;
    }
    // Only the first key block holds the key's own values; later blocks are subkeys.
    if (keyHeaders !== 1) continue;
    const empty = emptyValueLine.exec(line);
    const match = empty ? [line, empty[1], empty[2], ''] : valueLine.exec(line);
    if (!match) continue;
    const [, name = '', type = '', data = ''] = match;
    switch (type) {
      case 'REG_SZ':
      case 'REG_EXPAND_SZ':
        values.set(name, { type, value: data });
        break;
      case 'REG_DWORD':
      case 'REG_QWORD': {
        const number = /^0x[0-9a-f]+$/i.test(data) ? Number.parseInt(data.slice(2), 16) : Number.NaN;
        if (Number.isSafeInteger(number)) values.set(name, { type, value: number });
        break;
      }
      case 'REG_MULTI_SZ':
        values.set(name, { type, value: data === '' ? [] : data.split('\\0').filter((s) => s !== '') });
        break;
      default:
        // REG_BINARY/REG_NONE: no MyPass policy uses them; ignoring them is safer than guessing.
        break;
    }
  }
  return values;
}

/** Registry value name → policy field, and how the value is read. Kept in step with the ADMX by a test. */
export const registryPolicyValues = {
  ServerUrl: { field: 'serverUrl', kind: 'string' },
  PinnedCa: { field: 'pinnedCa', kind: 'multiline' },
  DefaultLanguage: { field: 'defaultLanguage', kind: 'string' },
  AllowedLanguages: { field: 'allowedLanguages', kind: 'list' },
  InactivityTimeoutSeconds: { field: 'inactivityTimeoutSeconds', kind: 'number' },
  OnScreenKeyboard: { field: 'onScreenKeyboard', kind: 'boolean' },
  HelpdeskText: { field: 'helpdeskText', kind: 'string' },
  HelpdeskPhone: { field: 'helpdeskPhone', kind: 'string' },
  GuidanceText: { field: 'guidanceText', kind: 'string' },
  RunMode: { field: 'runMode', kind: 'string' },
  KioskTimeoutSeconds: { field: 'kioskTimeoutSeconds', kind: 'number' },
  SignInAfterReset: { field: 'signInAfterReset', kind: 'boolean' },
} as const;

/**
 * Registry values → raw policy input for kioskPolicySchema. A value of the wrong type is passed
 * through as-is so the schema names the field; REG_EXPAND_SZ is never expanded (no %VAR% paths here).
 */
export function registryValuesToPolicyInput(
  values: ReadonlyMap<string, RegistryValue>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(registryPolicyValues)) {
    const entry = values.get(name);
    if (entry === undefined) continue;
    const { value } = entry;
    switch (spec.kind) {
      case 'number':
        input[spec.field] = value;
        break;
      case 'boolean':
        input[spec.field] = typeof value === 'number' ? value !== 0 : value;
        break;
      case 'list':
        input[spec.field] =
          typeof value === 'string' ? value.split(/[\s,;]+/).filter((s) => s !== '') : value;
        break;
      case 'multiline':
        // A PEM in REG_MULTI_SZ keeps one line per string; in REG_SZ, `\n` may be written literally.
        input[spec.field] = Array.isArray(value) ? value.join('\n') : String(value).replace(/\\n/g, '\n');
        break;
      case 'string':
        input[spec.field] = value;
        break;
    }
  }
  return input;
}

export type RegistryReadResult =
  | { readonly ok: true; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly code: 'policy_missing' | 'registry_unreadable' };

export type RegQuery = (key: string) => Promise<{ exitCode: number; stdout: string }>;

/** `reg.exe query`, from System32 by full path (never from PATH), without a shell. */
export const runRegQuery: RegQuery = (key) =>
  new Promise((resolve) => {
    const systemRoot = process.env.SystemRoot ?? 'C:\\Windows';
    execFile(
      `${systemRoot}\\System32\\reg.exe`,
      ['query', key],
      { windowsHide: true, timeout: 10_000, maxBuffer: 256 * 1024, shell: false },
      (error, stdout) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, stdout: String(stdout) });
      },
    );
  });

export async function readRegistryPolicy(query: RegQuery = runRegQuery): Promise<RegistryReadResult> {
  const { exitCode, stdout } = await query(kioskPolicyKey);
  // reg.exe exits 1 when the key does not exist: the policy was never set.
  if (exitCode === 1) return { ok: false, code: 'policy_missing' };
  if (exitCode !== 0) return { ok: false, code: 'registry_unreadable' };
  return { ok: true, input: registryValuesToPolicyInput(parseRegQueryOutput(stdout)) };
}
