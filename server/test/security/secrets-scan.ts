// The scan behind T8: nothing the test app logged or audited may contain a flow token, a code, a
// password or a configured secret. Every security test file runs it over what it captured.
import { expect } from 'vitest';
import { captured } from '../app/captured-output.js';

/** Secrets of the test configuration itself (store keys, decoy key, directory client secret). */
export const configuredSecrets = [
  'test-code-key-0123456789abcdef0123456789',
  'test-decoy-key-0123456789abcdef0123456789',
];

export function expectNoSecretsCaptured(extraSecrets: readonly string[] = []): void {
  const haystack = [...captured.logLines, ...captured.auditRows].join('\n');
  expect(captured.logLines.length + captured.auditRows.length).toBeGreaterThan(0);
  const leaked = [...captured.secrets, ...configuredSecrets, ...extraSecrets].filter(
    // Six-digit codes are short: look for them as whole numbers, not inside ids or timestamps.
    (secret) =>
      /^\d+$/.test(secret)
        ? new RegExp(`(?<![\\w.-])${secret}(?![\\w.-])`).test(haystack)
        : haystack.includes(secret),
  );
  expect(leaked).toEqual([]);
}
