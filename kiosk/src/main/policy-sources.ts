// Where the kiosk's policy comes from, in one place: the provider's pipe in tile mode (no registry
// read of its own), the registry for a standing kiosk on Windows, a JSON file elsewhere. All three go
// through the same schema; a missing or invalid policy is a configuration error, never a guess.
import { parseKioskPolicy, type KioskPolicy } from './kiosk-policy.js';
import type { RegistryReadResult } from './registry-policy.js';

export type PolicySource = 'pipe' | 'registry' | 'file';

export type PolicyLoadResult =
  | { readonly ok: true; readonly policy: KioskPolicy; readonly source: PolicySource }
  | {
      readonly ok: false;
      readonly code: 'policy_missing' | 'policy_invalid' | 'registry_unreadable' | 'policy_file_unreadable';
      readonly source: PolicySource;
      readonly fields?: readonly string[];
    };

export interface PolicySourceDeps {
  readonly platform: NodeJS.Platform;
  /** Raw values from the pipe's policy message, when the provider started us. */
  readonly pipePolicyInput?: Record<string, unknown>;
  readonly policyFile?: string;
  readRegistry(): Promise<RegistryReadResult>;
  readTextFile(path: string): Promise<string>;
}

export const defaultPolicyFile = '/etc/mypass/kiosk.json';

function validated(input: unknown, source: PolicySource): PolicyLoadResult {
  const result = parseKioskPolicy(input);
  return result.ok
    ? { ok: true, policy: result.policy, source }
    : { ok: false, code: 'policy_invalid', source, fields: result.fields };
}

export async function loadPolicy(deps: PolicySourceDeps): Promise<PolicyLoadResult> {
  if (deps.pipePolicyInput !== undefined) return validated(deps.pipePolicyInput, 'pipe');
  if (deps.platform === 'win32' && deps.policyFile === undefined) {
    const registry = await deps.readRegistry();
    return registry.ok
      ? validated(registry.input, 'registry')
      : { ok: false, code: registry.code, source: 'registry' };
  }
  let text: string;
  try {
    text = await deps.readTextFile(deps.policyFile ?? defaultPolicyFile);
  } catch {
    return { ok: false, code: 'policy_file_unreadable', source: 'file' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'policy_invalid', source: 'file', fields: ['(root)'] };
  }
  return validated(json, 'file');
}
