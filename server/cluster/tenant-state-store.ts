/**
 * A tenant's live state in Redis, kept by its owner node as routing changes it, and loaded by
 * the next owner (SCALE.md, "State"). The owner's in-process store stays the working copy;
 * after each routing step the entities that step touched are written (or deleted) in one Lua
 * script that first checks the owner's fencing epoch, together with the step's transitions
 * appended to the tenant's capped log stream. A write with a stale epoch changes nothing.
 */
import type { Redis } from 'ioredis';
import type {
  AgentState,
  LiveCall,
  LiveSession,
  LiveSnapshot,
  LiveStoreReader,
  RoutingTransition,
} from '../routing/index.ts';
import type { RedisKeys } from './redis-keys.ts';

/** What a new owner loads: the entities, and which node holds each session's socket. */
export interface TenantState {
  snapshot: LiveSnapshot;
  sessionNodes: Map<string, string>;
}

/** One step's changes to a tenant: fields to set, fields to delete, transitions to log. */
export interface TenantWrite {
  puts: [field: string, json: string][];
  deletes: string[];
  transitions: readonly RoutingTransition[];
}

// KEYS: epoch, state, log, tenants. ARGV: epoch, tenant, log cap, #puts, (field, json)…,
// #deletes, field…, #log, json…. 1 written, 0 fenced off (stale epoch).
const WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local i = 4
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2 end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do redis.call('HDEL', KEYS[2], ARGV[i]); i = i + 1 end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 't', ARGV[i]); i = i + 1 end
if redis.call('HLEN', KEYS[2]) > 0 then redis.call('SADD', KEYS[4], ARGV[2])
else redis.call('SREM', KEYS[4], ARGV[2]) end
return 1`;

// KEYS: epoch, state, tenants. ARGV: epoch, tenant, #puts, (field, json)…. Replaces the hash.
const REPLACE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
local n = tonumber(ARGV[3])
for j = 0, n - 1 do redis.call('HSET', KEYS[2], ARGV[4 + 2 * j], ARGV[5 + 2 * j]) end
if n > 0 then redis.call('SADD', KEYS[3], ARGV[2]) else redis.call('SREM', KEYS[3], ARGV[2]) end
return 1`;

const LOG_CAP = 10_000;

export class TenantStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Applies one step's changes if `epoch` is still the tenant's; false when fenced off. */
  async write(tenantId: string, epoch: number, change: TenantWrite): Promise<boolean> {
    const args: (string | number)[] = [epoch, tenantId, LOG_CAP, change.puts.length];
    for (const [field, json] of change.puts) args.push(field, json);
    args.push(change.deletes.length, ...change.deletes);
    args.push(change.transitions.length, ...change.transitions.map((t) => JSON.stringify(t)));
    const k = this.keys;
    const written = await this.redis.eval(
      WRITE,
      4,
      k.epoch(tenantId),
      k.state(tenantId),
      k.log(tenantId),
      k.tenants(),
      ...args,
    );
    return written === 1;
  }

  /** Replaces the tenant's whole state (after Redis was unreachable); false when fenced off. */
  async replace(
    tenantId: string,
    epoch: number,
    snapshot: LiveSnapshot,
    sessionNodes: ReadonlyMap<string, string>,
  ): Promise<boolean> {
    const puts = snapshotFields(snapshot, sessionNodes);
    const args: (string | number)[] = [epoch, tenantId, puts.length];
    for (const [field, json] of puts) args.push(field, json);
    const k = this.keys;
    const written = await this.redis.eval(
      REPLACE,
      3,
      k.epoch(tenantId),
      k.state(tenantId),
      k.tenants(),
      ...args,
    );
    return written === 1;
  }

  /** The tenant's state as its last owner left it (empty when it had none). */
  async load(tenantId: string): Promise<TenantState> {
    const fields = await this.redis.hgetall(this.keys.state(tenantId));
    const snapshot: LiveSnapshot = { sessions: [], agents: [], calls: [] };
    const sessionNodes = new Map<string, string>();
    for (const [field, value] of Object.entries(fields)) {
      const separator = field.indexOf(':');
      const kind = field.slice(0, separator);
      const id = field.slice(separator + 1);
      if (kind === 'call') snapshot.calls.push(JSON.parse(value) as LiveCall);
      else if (kind === 'session') snapshot.sessions.push(JSON.parse(value) as LiveSession);
      else if (kind === 'agent') snapshot.agents.push(JSON.parse(value) as AgentState);
      else if (kind === 'node') sessionNodes.set(id, value);
    }
    // Deterministic order: sessions in the order their agents list them, calls by arrival.
    snapshot.calls.sort((a, b) => a.createdAt - b.createdAt || a.sequence - b.sequence);
    return { snapshot, sessionNodes };
  }

  /** Tenants that have live state kept in Redis. */
  async tenantsWithState(): Promise<string[]> {
    return this.redis.smembers(this.keys.tenants());
  }

  /** The last `count` transitions logged for the tenant, oldest first. */
  async recentTransitions(tenantId: string, count: number): Promise<RoutingTransition[]> {
    const entries = await this.redis.xrevrange(this.keys.log(tenantId), '+', '-', 'COUNT', count);
    return entries.reverse().map(([, fields]) => JSON.parse(fields[1]) as RoutingTransition);
  }
}

/** The entities of one tenant that a step's transitions touched (by id). */
export interface Touched {
  callIds: Set<string>;
  sessionIds: Set<string>;
  userIds: Set<string>;
}

export function touchedBy(transitions: readonly RoutingTransition[]): Map<string, Touched> {
  const byTenant = new Map<string, Touched>();
  for (const transition of transitions) {
    let touched = byTenant.get(transition.tenantId);
    if (!touched)
      byTenant.set(
        transition.tenantId,
        (touched = { callIds: new Set(), sessionIds: new Set(), userIds: new Set() }),
      );
    collectIds(transition, touched);
  }
  return byTenant;
}

/**
 * Every id a transition names, wherever it sits (`callId`, `leg.sessionId`, `by.id`, …):
 * naming one too many only rewrites an entity as it is, naming one too few would lose a change.
 */
function collectIds(value: unknown, touched: Touched, key = ''): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value !== 'string') return;
    if (key === 'callId' || key === 'consultationCallId' || key === 'consultationFor')
      touched.callIds.add(value);
    else if (key === 'sessionId' || key === 'callerSessionId') touched.sessionIds.add(value);
    else if (key === 'userId' || key === 'fromUserId') touched.userIds.add(value);
    return;
  }
  if (Array.isArray(value)) {
    // Ids inside lists (legs, member ids, a session's call ids) are covered by their owners.
    return;
  }
  const record = value as Record<string, unknown>;
  // An entity carried whole: `call`, `leg`, `session`, `agent`, `transfer.by`, `answeredBy`.
  if (key === 'call' && typeof record.id === 'string') touched.callIds.add(record.id);
  if (key === 'session' && typeof record.id === 'string') touched.sessionIds.add(record.id);
  for (const [field, nested] of Object.entries(record)) collectIds(nested, touched, field);
}

/** The Redis fields of what a step touched: the entity as it is now, or a delete if it is gone. */
export function tenantWrite(
  tenantId: string,
  touched: Touched,
  state: LiveStoreReader,
  transitions: readonly RoutingTransition[],
  sessionNodes: ReadonlyMap<string, string>,
): TenantWrite {
  const write: TenantWrite = { puts: [], deletes: [], transitions };
  for (const callId of touched.callIds) {
    const call = state.call(callId);
    if (call && call.tenantId === tenantId)
      write.puts.push([`call:${callId}`, JSON.stringify(call)]);
    else if (!call) write.deletes.push(`call:${callId}`);
  }
  for (const sessionId of touched.sessionIds) {
    const session = state.session(sessionId);
    if (session && session.tenantId === tenantId) {
      write.puts.push([`session:${sessionId}`, JSON.stringify(session)]);
      const node = sessionNodes.get(sessionId);
      if (node) write.puts.push([`node:${sessionId}`, node]);
    } else if (!session) write.deletes.push(`session:${sessionId}`, `node:${sessionId}`);
  }
  for (const userId of touched.userIds) {
    const agent = state.agent(tenantId, userId);
    if (agent) write.puts.push([`agent:${userId}`, JSON.stringify(agent)]);
    else write.deletes.push(`agent:${userId}`);
  }
  return write;
}

function snapshotFields(
  snapshot: LiveSnapshot,
  sessionNodes: ReadonlyMap<string, string>,
): [string, string][] {
  const fields: [string, string][] = [];
  for (const call of snapshot.calls) fields.push([`call:${call.id}`, JSON.stringify(call)]);
  for (const session of snapshot.sessions) {
    fields.push([`session:${session.id}`, JSON.stringify(session)]);
    const node = sessionNodes.get(session.id);
    if (node) fields.push([`node:${session.id}`, node]);
  }
  for (const agent of snapshot.agents)
    fields.push([`agent:${agent.userId}`, JSON.stringify(agent)]);
  return fields;
}
