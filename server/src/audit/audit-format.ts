// Audit rows as SIEMs read them: one JSON object per line, or ArcSight's Common Event Format (CEF
// version 0). The rows hold no secret by construction (audit-log.ts); these formats add none.
//
// CEF escaping (ArcSight "Implementing ArcSight CEF"): in the header, `\` and `|` get a backslash
// and a line break is not allowed (it becomes a space); in the extension, `\` and `=` get a
// backslash and line breaks are written as the two characters `\n` / `\r`.
import type { AuditEntry, Json } from '../store/store.js';

export type AuditFormat = 'jsonl' | 'cef';

export const PRODUCT = { vendor: 'MyPass', product: 'MyPass', version: '1.0' } as const;

/** The row as one JSON line (no trailing newline). Field names are stable for parsers. */
export function auditJsonLine(entry: AuditEntry): string {
  return JSON.stringify({
    id: entry.id,
    at: entry.at.toISOString(),
    event: entry.event,
    flowId: entry.flowId,
    userId: entry.userId,
    identifierHash: entry.identifierHash,
    clientAddress: entry.clientAddress,
    ...entry.detail,
  });
}

export function cefHeaderEscape(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|[\r\n]/g, ' ');
}

export function cefExtensionEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** Human names and CEF severities (0-10) per event; unknown events are informational. */
const EVENTS: Record<string, { name: string; severity: number }> = {
  started: { name: 'Flow started', severity: 1 },
  refused: { name: 'User refused (decoy flow)', severity: 4 },
  code_queued: { name: 'Code queued', severity: 1 },
  code_sent: { name: 'Code sent', severity: 1 },
  code_failed: { name: 'Code delivery failed', severity: 4 },
  confirmation_failed: { name: 'Method confirmation failed', severity: 4 },
  verified: { name: 'Method verified', severity: 2 },
  verification_failed: { name: 'Wrong code', severity: 4 },
  attempts_exhausted: { name: 'Attempts exhausted', severity: 6 },
  completed: { name: 'Password reset completed', severity: 5 },
  cancelled: { name: 'Flow cancelled', severity: 1 },
  password_rejected: { name: 'New password rejected', severity: 2 },
  directory_failed: { name: 'Directory call failed', severity: 6 },
  rate_limited: { name: 'Rate limited', severity: 6 },
  notification_queued: { name: 'Notifications queued', severity: 1 },
  sessions_revoked: { name: 'Sign-in sessions revoked', severity: 3 },
  risk_dismissed: { name: 'User risk dismissed', severity: 5 },
  user_purged: { name: 'Person purged from MyPass', severity: 5 },
  password_failed: { name: 'Password check failed (enrollment)', severity: 5 },
  enrolled: { name: 'Method enrolled', severity: 5 },
  enrollment_refused: { name: 'Enrollment refused', severity: 4 },
};

export const cefSeverity = (event: string): number => EVENTS[event]?.severity ?? 3;

const text = (value: Json | undefined): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** One CEF:0 line (no syslog prefix, no trailing newline). */
export function auditCefLine(entry: AuditEntry): string {
  const known = EVENTS[entry.event] ?? { name: entry.event, severity: 3 };
  const { userPrincipalName, reason, policy, purpose, decoy, methodId, challengeId, detail, ...rest } =
    entry.detail;
  const pairs: [string, string | undefined][] = [
    ['rt', String(entry.at.getTime())],
    ['externalId', entry.id],
    ['act', entry.event],
    ['src', entry.clientAddress ?? undefined],
    ['duid', entry.userId ?? undefined],
    ['duser', text(userPrincipalName)],
    ['reason', text(reason)],
    ['cs1Label', 'flowId'],
    ['cs1', entry.flowId ?? undefined],
    ['cs2Label', 'policy'],
    ['cs2', text(policy)],
    ['cs3Label', 'purpose'],
    ['cs3', text(purpose)],
    ['cs4Label', 'method'],
    ['cs4', text(methodId)],
    ['cs5Label', 'identifierHash'],
    ['cs5', entry.identifierHash ?? undefined],
    ['cs6Label', 'detail'],
    ['cs6', text(detail)],
    ['cn1Label', 'decoy'],
    ['cn1', decoy === undefined ? undefined : decoy === true ? '1' : '0'],
    [
      'msg',
      Object.keys(rest).length > 0 || challengeId !== undefined
        ? JSON.stringify({ challengeId, ...rest })
        : undefined,
    ],
  ];
  // A label without its value is noise: drop both.
  const present = new Set(pairs.filter(([, v]) => v !== undefined).map(([k]) => k));
  const extension = pairs
    .filter(([k, v]) => v !== undefined && (!k.endsWith('Label') || present.has(k.slice(0, -'Label'.length))))
    .map(([k, v]) => `${k}=${cefExtensionEscape(v ?? '')}`)
    .join(' ');
  const header = [
    'CEF:0',
    PRODUCT.vendor,
    PRODUCT.product,
    PRODUCT.version,
    entry.event,
    known.name,
    String(known.severity),
  ].map(cefHeaderEscape);
  return `${header.join('|')}|${extension}`;
}

export function formatAuditLine(entry: AuditEntry, format: AuditFormat): string {
  return format === 'cef' ? auditCefLine(entry) : auditJsonLine(entry);
}
