// Table shapes as Kysely sees them. Both dialects store the same types: times as integer
// milliseconds since the epoch (bigint), booleans as 0/1, JSON as text, so one set of migrations
// and one set of queries serve SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface FlowsTable {
  id: string;
  token_hash: string;
  purpose: string;
  user_id: string | null;
  decoy: number;
  identifier_hash: string;
  policy_name: string;
  /** AES-256-GCM sealed JSON FlowMethod[] (full destinations); older rows hold the JSON itself. */
  methods: string;
  /** JSON [{methodId, verifiedAt(ms)}]. */
  methods_verified: string;
  attempts_used: Generated<number>;
  created_at: number;
  verified_at: number | null;
  expires_at: number;
  state: string;
  locale: string;
  client_address: string | null;
  /** AES-256-GCM sealed JSON FlowContext (names destinations to notify); older rows: the JSON itself. */
  context: string;
}

export interface ChallengesTable {
  id: string;
  flow_id: string;
  method_id: string;
  destination_hash: string;
  code_hmac: string;
  key_id: string;
  expires_at: number;
  consumed_at: number | null;
  delivery_status: string;
  created_at: number;
}

export interface CountersTable {
  key: string;
  window_start: number;
  window_end: number;
  count: number;
}

export interface OutboxTable {
  id: string;
  channel: string;
  /** The masked destination (the full one is in the sealed payload; older rows may hold it in clear until sent). */
  destination: string;
  /** AES-256-GCM sealed JSON OutboxPayload with `to`, the full destination (CodeKeyring.encrypt); '' once sent. */
  payload: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error_code: string | null;
  challenge_id: string | null;
  flow_id: string | null;
  expires_at: number | null;
  created_at: number;
  sent_at: number | null;
}

export interface AuditTable {
  id: string;
  at: number;
  event: string;
  flow_id: string | null;
  user_id: string | null;
  identifier_hash: string | null;
  client_address: string | null;
  /** JSON object, never a secret. */
  detail: string;
}

export interface EnrollmentsTable {
  id: string;
  user_id: string;
  kind: string;
  /** AES-256-GCM sealed destination (CodeKeyring.encrypt). */
  destination: string;
  hint: string;
  flow_id: string | null;
  challenge_id: string | null;
  created_at: number;
  confirmed_at: number | null;
  usable_from: number | null;
}

export interface PasswordAttemptsTable {
  subject: string;
  /** JSON [{id, at(ms)}] of the attempts still in the window. */
  attempts: string;
  updated_at: number;
}

export interface Database {
  flows: FlowsTable;
  challenges: ChallengesTable;
  counters: CountersTable;
  outbox: OutboxTable;
  audit: AuditTable;
  enrollments: EnrollmentsTable;
  password_attempts: PasswordAttemptsTable;
}
