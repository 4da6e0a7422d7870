// What `mypass doctor` reports: findings with a status and, for anything not passing, the fix.

export type FindingStatus = 'pass' | 'info' | 'warn' | 'fail';

export interface Finding {
  /** Stable id of the check, e.g. `token`, `permissions.missing`. */
  check: string;
  status: FindingStatus;
  /** One line saying what was found. */
  summary: string;
  /** Further lines (what exactly, where). */
  details?: string[];
  /** What to do about it; always present for warn and fail. */
  fix?: string;
}

export function hasFailure(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.status === 'fail');
}
