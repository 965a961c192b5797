/**
 * Schema migrations, applied in order at boot. Append new steps; never edit a shipped one.
 * Ids are text (UUIDs minted by the app) and durations are integer milliseconds so both
 * engines return the same JavaScript types.
 */
import type { Database } from './database.ts';

const steps: string[] = [
  `
  CREATE TABLE settings (
    key text PRIMARY KEY,
    value text NOT NULL
  );
  CREATE TABLE tenants (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    api_key_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE users (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    reference text NOT NULL,
    username text NOT NULL,
    display_name text NOT NULL,
    role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, reference),
    UNIQUE (tenant_id, username)
  );
  CREATE TABLE ring_groups (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    ring_timeout_seconds integer NOT NULL,
    max_wait_seconds integer NOT NULL,
    retry_interval_seconds integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
  );
  CREATE TABLE ring_group_members (
    ring_group_id text NOT NULL REFERENCES ring_groups(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (ring_group_id, user_id)
  );
  CREATE TABLE calls (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    from_name text NOT NULL,
    from_address text NOT NULL,
    from_user_id text,
    to_address text NOT NULL,
    ring_group_id text,
    origin text NOT NULL,
    params jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL,
    end_reason text,
    answered_by_user_id text,
    created_at timestamptz NOT NULL,
    answered_at timestamptz,
    ended_at timestamptz,
    queue_wait_ms integer,
    talk_ms integer
  );
  CREATE INDEX calls_tenant_created ON calls (tenant_id, created_at DESC);
  CREATE TABLE call_legs (
    id text PRIMARY KEY,
    call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    tenant_id text NOT NULL,
    user_id text NOT NULL,
    attempt integer NOT NULL,
    outcome text NOT NULL,
    rung_at timestamptz NOT NULL,
    ended_at timestamptz
  );
  CREATE INDEX call_legs_call ON call_legs (call_id);
  `,
  // Per-group service-level threshold for the supervisor figures (issue #6).
  `
  ALTER TABLE ring_groups ADD COLUMN service_level_seconds integer NOT NULL DEFAULT 20
    CHECK (service_level_seconds BETWEEN 1 AND 600);
  `,
  // After-call work (issue #13) and history/reports (#17). A tenant's dispositions are its own
  // list of outcomes an agent picks in wrap-up; each agent who handled a call (a transfer makes
  // two) has one wrap-up row for it, so reports count dispositions and wrap-up time per agent.
  // hold_ms is the caller's total time on hold, for handle time (talk + hold + wrap-up).
  `
  CREATE TABLE dispositions (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    code text NOT NULL,
    label text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, code)
  );
  CREATE TABLE call_wrap_ups (
    call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    tenant_id text NOT NULL,
    user_id text NOT NULL,
    disposition_code text,
    note text NOT NULL DEFAULT '',
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (call_id, user_id)
  );
  CREATE INDEX call_wrap_ups_tenant_user ON call_wrap_ups (tenant_id, user_id, started_at DESC);
  ALTER TABLE calls ADD COLUMN hold_ms integer;
  `,
  // Tenants created before dispositions existed get the default list new tenants are given
  // (server/wrap-up/default-dispositions.ts), so their agents have something to pick.
  `
  INSERT INTO dispositions (id, tenant_id, code, label, position)
  SELECT gen_random_uuid()::text, t.id, d.code, d.label, d.position
  FROM tenants t
  CROSS JOIN (VALUES ('resolved', 'Resolved', 1), ('information-given', 'Information given', 2),
                     ('follow-up', 'Follow-up needed', 3), ('callback-requested', 'Callback requested', 4),
                     ('escalated', 'Escalated', 5), ('wrong-number', 'Wrong number', 6),
                     ('call-dropped', 'Call dropped', 7)) AS d(code, label, position)
  WHERE NOT EXISTS (SELECT 1 FROM dispositions existing WHERE existing.tenant_id = t.id)
  `,
  // Phone numbers (issue 14): E.164, one tenant per number across the server, each routed to a
  // ring group, a user or a media script. A deleted group or user leaves the number routed
  // nowhere (its calls are refused) rather than deleting the number the tenant pays for.
  // caller_id marks the number outbound calls show (at most one per tenant, kept by the app).
  `
  CREATE TABLE phone_numbers (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    number text NOT NULL UNIQUE,
    label text NOT NULL DEFAULT '',
    destination_type text NOT NULL CHECK (destination_type IN ('group', 'user', 'script')),
    ring_group_id text REFERENCES ring_groups(id) ON DELETE SET NULL,
    user_id text REFERENCES users(id) ON DELETE SET NULL,
    script jsonb,
    caller_id boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX phone_numbers_tenant ON phone_numbers (tenant_id)
  `,
  // History and reports (issue 17). call_events keeps what the call and leg rows cannot: who
  // answered when (a transfer answers twice), holds and hand-offs, for a call's timeline.
  // The indexes serve history's filters (agent, group) and the reports' range scans; the
  // tenant's time zone (IANA name) sets the day and week boundaries of its reports.
  `
  CREATE TABLE call_events (
    id text PRIMARY KEY,
    call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    tenant_id text NOT NULL,
    type text NOT NULL CHECK (type IN ('answered', 'held', 'resumed', 'transferred')),
    at timestamptz NOT NULL,
    seq bigint NOT NULL,
    user_id text
  );
  CREATE INDEX call_events_call ON call_events (call_id, seq);
  CREATE INDEX call_legs_tenant_user ON call_legs (tenant_id, user_id, rung_at);
  CREATE INDEX calls_tenant_group_created ON calls (tenant_id, ring_group_id, created_at);
  CREATE INDEX calls_tenant_answered_by_created ON calls (tenant_id, answered_by_user_id, created_at);
  ALTER TABLE tenants ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'
  `,
  // Occupancy (issue 17): each change of an agent's presence, written behind routing like the
  // call records; a presence lasts until the agent's next row.
  `
  CREATE TABLE agent_presence (
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    user_id text NOT NULL,
    presence text NOT NULL,
    at timestamptz NOT NULL,
    seq bigint NOT NULL
  );
  CREATE INDEX agent_presence_tenant_user ON agent_presence (tenant_id, user_id, at)
  `,
  // Routing strategies and group settings (issue 16): who is offered a call (routing/strategies),
  // overflow to another group after a delay, business hours with holidays and what a call gets
  // while closed (jsonb: {hours, holidays, closed}; null is always open), wrap-up time, and
  // members in the order the admin gave (sequential rings so).
  `
  ALTER TABLE ring_groups ADD COLUMN strategy text NOT NULL DEFAULT 'ring-all'
    CHECK (strategy IN ('ring-all', 'longest-idle', 'round-robin', 'sequential'));
  ALTER TABLE ring_groups ADD COLUMN overflow_group_id text REFERENCES ring_groups(id) ON DELETE SET NULL;
  ALTER TABLE ring_groups ADD COLUMN overflow_delay_seconds integer;
  ALTER TABLE ring_groups ADD COLUMN business_hours jsonb;
  ALTER TABLE ring_groups ADD COLUMN wrap_up_seconds integer NOT NULL DEFAULT 30;
  ALTER TABLE ring_group_members ADD COLUMN position integer NOT NULL DEFAULT 0
  `,
  // API keys an admin creates (issue 16), besides the tenant's own key in tenants: labelled,
  // stored as SHA-256 digests, last use noted, revoked (kept, refused) rather than deleted.
  `
  CREATE TABLE api_keys (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    label text NOT NULL,
    key_hash text NOT NULL UNIQUE,
    key_prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  );
  CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at)
  `,
  // Reports (issue 17): a report reads the legs, events and wrap-ups of its range's calls by
  // time within the tenant, not all of the tenant's rows.
  `
  CREATE INDEX call_legs_tenant_rung ON call_legs (tenant_id, rung_at);
  CREATE INDEX call_wrap_ups_tenant_started ON call_wrap_ups (tenant_id, started_at);
  CREATE INDEX call_events_tenant_at ON call_events (tenant_id, at)
  `,
  // Reports (issue 17): each call's missed and declined rings, kept on its row when it ends (the
  // group report reads no legs); calls recorded before are counted from their legs.
  `
  ALTER TABLE calls ADD COLUMN missed_rings integer;
  ALTER TABLE calls ADD COLUMN declined_rings integer;
  UPDATE calls SET missed_rings = counts.missed, declined_rings = counts.declined
  FROM (SELECT call_id, count(*) FILTER (WHERE outcome = 'missed') AS missed,
               count(*) FILTER (WHERE outcome = 'rejected') AS declined
        FROM call_legs GROUP BY call_id) AS counts
  WHERE counts.call_id = calls.id
  `,
  // Skills with levels (issue 16): a call may require skills; only agents holding each at or
  // above the level are offered it (routing/ringing.ts).
  `
  CREATE TABLE user_skills (
    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    skill text NOT NULL,
    level integer NOT NULL CHECK (level BETWEEN 1 AND 10),
    PRIMARY KEY (user_id, skill)
  )
  `,
  // Phones (issue 14): what a phone caller hears while waiting in a group's queue, and on hold
  // (server/sip/README.md "Waiting audio"). Both null: ringback, as before.
  `
  ALTER TABLE ring_groups ADD COLUMN queue_greeting text;
  ALTER TABLE ring_groups ADD COLUMN queue_music text
  `,
  // People (issue 16): a deactivated person keeps their rows and records; null: active.
  `
  ALTER TABLE users ADD COLUMN deactivated_at timestamptz
  `,
  // Skills (issue 16): a number's calls may require skills of whoever they ring.
  `
  ALTER TABLE phone_numbers ADD COLUMN required_skills jsonb
  `,
  // Recent calls (issue 13): who ended each call (caller, callee, agent, supervisor, system) and
  // which person, set once when it ends; null for calls recorded before.
  `
  ALTER TABLE calls ADD COLUMN ended_by text;
  ALTER TABLE calls ADD COLUMN ended_by_user_id text
  `,
];

export async function migrate(database: Database): Promise<void> {
  await database.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY)`,
  );
  const applied = await database.query<{ version: number }>(
    `SELECT version FROM schema_migrations`,
  );
  const done = new Set(applied.map((row) => Number(row.version)));
  for (const [index, sql] of steps.entries()) {
    const version = index + 1;
    if (done.has(version)) continue;
    await database.transaction(async (tx) => {
      for (const statement of sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)) {
        await tx.query(statement);
      }
      await tx.query(`INSERT INTO schema_migrations (version) VALUES ($1)`, [version]);
    });
  }
}
