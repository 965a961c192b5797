/**
 * Every Redis key and channel the cluster uses, under one prefix (`REDIS_PREFIX`, default
 * `sb:`), so several deployments or test runs can share one Redis without touching each other.
 * A tenant's keys share the `{t:<tenant>}` hash tag (one slot, should the keys ever be spread
 * over a Redis Cluster; the fenced writes are one Lua script over them).
 */
export class RedisKeys {
  constructor(readonly prefix: string = 'sb:') {}

  private tenant(tenantId: string): string {
    return `${this.prefix}{t:${tenantId}}`;
  }
  /** `<node>:<epoch>` while a node owns the tenant; expires unless renewed. */
  lease(tenantId: string): string {
    return `${this.tenant(tenantId)}:lease`;
  }
  /** Increases every time the tenant gets a new owner (the fencing token). */
  epoch(tenantId: string): string {
    return `${this.tenant(tenantId)}:epoch`;
  }
  /**
   * Hash of the tenant's live entities: `call:<id>`, `session:<id>`, `agent:<userId>` → JSON,
   * and `node:<sessionId>` → the node holding that session's socket.
   */
  state(tenantId: string): string {
    return `${this.tenant(tenantId)}:state`;
  }
  /** Stream of the tenant's transitions as its owners applied them (capped; for audits and replays). */
  log(tenantId: string): string {
    return `${this.tenant(tenantId)}:log`;
  }
  /** Set of tenants that have live state in Redis (a new owner is found for each). */
  tenants(): string {
    return `${this.prefix}tenants`;
  }
  /** Present while the node is alive (renewed with its leases). */
  node(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }
  /** Pub/sub channel of the frames for the sockets one node holds. */
  pushChannel(nodeId: string): string {
    return `${this.prefix}push:${nodeId}`;
  }
  /** Pub/sub channel of the commands addressed to the tenants one node owns. */
  commandChannel(nodeId: string): string {
    return `${this.prefix}cmd:${nodeId}`;
  }
  /** Pub/sub channel of what admins took away (deactivated people, revoked keys): every node. */
  accountsChannel(): string {
    return `${this.prefix}accounts`;
  }
  /** Pub/sub channel of which lists admins changed (for the admin pages on every node). */
  adminChangesChannel(): string {
    return `${this.prefix}admin-changes`;
  }
  /** Pub/sub channel announcing leases given up (a rolling restart): others take them at once. */
  releasedChannel(): string {
    return `${this.prefix}released`;
  }
}
