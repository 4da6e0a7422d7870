// Every flow event as a store row and a JSON log line (pino). Events carry ids, reasons and method
// ids only: never a secret, code, password, flow token or full destination (T8). The event type has
// no field that could hold one, and the identifier is kept as the store's keyed lookup hash.
import type { Logger } from 'pino';
import type { AuditEntry, AuditRepository, Json } from '../store/store.js';

export type AuditEventType =
  | 'started'
  | 'refused'
  | 'code_queued'
  | 'code_sent'
  | 'code_failed'
  | 'confirmation_failed'
  | 'verified'
  | 'verification_failed'
  | 'attempts_exhausted'
  | 'completed'
  | 'cancelled'
  | 'password_rejected'
  | 'directory_failed'
  | 'rate_limited'
  | 'notification_queued'
  | 'sessions_revoked'
  | 'risk_dismissed'
  /** Enroll flows: a password check that proved nothing (reason: bad_password, locked, …, attempts_spent). */
  | 'password_failed'
  /** Enroll flows: a new method confirmed by its code, stored and held (methodId: its kind). */
  | 'enrolled'
  /** Enroll flows: new methods refused (detail: index:reason of each). */
  | 'enrollment_refused';

export interface AuditEvent {
  type: AuditEventType;
  flowId?: string;
  purpose?: string;
  /** The resolved user's object id (absent for unknown names). */
  userId?: string;
  userPrincipalName?: string;
  /** Keyed lookup hash of the normalized name (never the name typed). */
  identifierHash?: string;
  /** True for decoy flows; `reason` then says why the user got one. */
  decoy?: boolean;
  /** refused: disabled|unlicensed|guest|deny_listed|privileged|synced|no_methods|ambiguous|not_found; else a code. */
  reason?: string;
  methodId?: string;
  challengeId?: string;
  policy?: string;
  clientAddress?: string;
  /** A step name, directory failure code or violated rule names, never a value the user typed. */
  detail?: string;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

/** Somewhere each stored record is also sent (syslog-sink.ts); it must never block or throw. */
export interface AuditSink {
  send(entry: AuditEntry): void;
}

export function createAuditLog(deps: { audit: AuditRepository; logger: Logger; sink?: AuditSink }): AuditLog {
  const log = deps.logger.child({ component: 'audit' });
  return {
    async record(event) {
      const { type, flowId, userId, identifierHash, clientAddress, ...rest } = event;
      const detail: { [key: string]: Json } = {};
      for (const [key, value] of Object.entries(rest)) if (value !== undefined) detail[key] = value;
      log.info({ event: type, flowId, userId, clientAddress, ...detail }, `audit ${type}`);
      const stored = await deps.audit.record({
        event: type,
        flowId: flowId ?? null,
        userId: userId ?? null,
        identifierHash: identifierHash ?? null,
        clientAddress: clientAddress ?? null,
        detail,
      });
      deps.sink?.send(stored);
    },
  };
}
