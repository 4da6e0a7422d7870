// Schema migrations, provided in code so the build carries them (no migration files to ship) and
// the same list runs on SQLite and PostgreSQL. Append new migrations; never edit an applied one.
import type { Kysely, Migration, MigrationProvider } from 'kysely';

// Strings are `text` in both dialects: SQLite would ignore a varchar length that PostgreSQL
// enforces, and the two must accept exactly the same rows.
const initial: Migration = {
  // Kysely<any> is the documented type for migrations: they run against the schema as it was then.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('flows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('decoy', 'integer', (c) => c.notNull())
      .addColumn('identifier_hash', 'text', (c) => c.notNull())
      .addColumn('policy_name', 'text', (c) => c.notNull())
      .addColumn('methods', 'text', (c) => c.notNull())
      .addColumn('methods_verified', 'text', (c) => c.notNull())
      .addColumn('attempts_used', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('verified_at', 'bigint')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('client_address', 'text')
      .addColumn('context', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('flows_expires_at').on('flows').column('expires_at').execute();
    await db.schema.createIndex('flows_identifier_hash').on('flows').column('identifier_hash').execute();

    await db.schema
      .createTable('challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
      .addColumn('method_id', 'text', (c) => c.notNull())
      .addColumn('destination_hash', 'text', (c) => c.notNull())
      .addColumn('code_hmac', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('delivery_status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('challenges_flow_id').on('challenges').column('flow_id').execute();

    await db.schema
      .createTable('counters')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('window_end', 'bigint', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('counters_pk', ['key', 'window_start'])
      .execute();
    await db.schema.createIndex('counters_window_end').on('counters').column('window_end').execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error_code', 'text')
      // No foreign keys: a message outlives its flow's retention (and notifications have none).
      .addColumn('challenge_id', 'text')
      .addColumn('flow_id', 'text')
      .addColumn('expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_challenge_id').on('outbox').column('challenge_id').execute();

    await db.schema
      .createTable('audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('flow_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('identifier_hash', 'text')
      .addColumn('client_address', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_flow_id').on('audit').column('flow_id').execute();
    await db.schema.createIndex('audit_at').on('audit').column('at').execute();
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async down(db: Kysely<any>) {
    for (const table of ['audit', 'outbox', 'counters', 'challenges', 'flows']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

// Issue 5: methods registered through MyPass, and the password checks per user (T3, T12).
const enrollments: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('enrollments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('hint', 'text', (c) => c.notNull())
      // No foreign keys: an enrollment outlives the flow that made it.
      .addColumn('flow_id', 'text')
      .addColumn('challenge_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('usable_from', 'bigint')
      .execute();
    await db.schema.createIndex('enrollments_user_id').on('enrollments').column('user_id').execute();
    await db.schema.createIndex('enrollments_flow_id').on('enrollments').column('flow_id').execute();

    await db.schema
      .createTable('password_attempts')
      .addColumn('subject', 'text', (c) => c.primaryKey())
      .addColumn('attempts', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async down(db: Kysely<any>) {
    await db.schema.dropTable('password_attempts').ifExists().execute();
    await db.schema.dropTable('enrollments').ifExists().execute();
  },
};

/** Names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_enrollments': enrollments,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
