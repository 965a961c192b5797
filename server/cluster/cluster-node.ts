/**
 * One call-control node of a cluster (SCALE.md). Every node is a gateway: it holds the sockets
 * of the tabs that reached it and hands their commands to the owner of their tenant. A tenant's
 * owner is the one node holding its Redis lease; it runs the tenant's routing in its CallRouter,
 * writes the live state to Redis after every step (tenant-persistence.ts) and sends each frame
 * to the node holding the socket it is for (cluster-bus.ts).
 *
 *   gateway ── PUBLISH cmd:<owner> {open | execute | end} ──► owner ── SessionCommands ─► CallRouter
 *   gateway ◄─ PUBLISH push:<node> {session, frame} ───────── owner (hello, replies, pushes)
 *
 * A tenant nobody owns (new, or its owner died and the lease lapsed) is taken by the first node
 * that needs it or finds it in its scan: lease, epoch, load from Redis, `adoptTenant`. A command
 * published to a node that is gone reaches nobody (PUBLISH says 0), so it is sent again once the
 * tenant has a new owner. An owner that finds a session's node gone detaches the session: the
 * tab resumes it on another node (`?resume=`) with its calls.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ClientMessage } from '../../protocol/session-protocol.ts';
import type { AdminChange } from '../admin/admin-changes.ts';
import type { AccountEvent } from '../people/account-events.ts';
import type { CallRouter, LiveSnapshot } from '../routing/index.ts';
import type { SessionBackend } from '../session/session-backend.ts';
import type { OpenSession, SessionCommands, SessionEnd } from '../session/session-commands.ts';
import { ClusterBus, type PushEnvelope } from './cluster-bus.ts';
import { ClusterBroadcast } from './cluster-broadcast.ts';
import { RedisKeys } from './redis-keys.ts';
import { TenantLeases } from './tenant-lease.ts';
import { TenantPersistence } from './tenant-persistence.ts';
import { TenantStateStore } from './tenant-state-store.ts';

export interface ClusterLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ClusterOptions {
  redisUrl: string;
  prefix?: string;
  nodeId?: string;
  /** How long a lease lasts unrenewed: a dead owner's tenants move after at most this (+ a scan). */
  leaseMs?: number;
  /** How long a lost socket's session waits for its tab (config.sessionResumeSeconds). */
  resumeMs: number;
  log: ClusterLog;
}

/** What a gateway sends to a tenant's owner. */
export type ClusterCommand = { tenantId: string; node: string; hops: number } & (
  | { kind: 'open'; request: OpenSession }
  | { kind: 'execute'; sessionId: string; message: ClientMessage }
  | { kind: 'end'; sessionId: string; how: SessionEnd }
);

const MAX_HOPS = 3;
/** How long a gateway keeps trying to reach a tenant's owner (a failover takes a lease's time). */
const DELIVERY_GIVE_UP_MS = 15_000;
const OWNER_CACHE_MS = 1_000;

/** A tenant's commands waiting at this gateway, and whether a batch of them is on its way. */
interface GatewayQueue {
  pending: ClusterCommand[];
  running: boolean;
  /** Resolves when the batches being sent now and every command queued behind them are sent. */
  drained: Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ClusterNode {
  readonly nodeId: string;
  readonly keys: RedisKeys;
  readonly bus: ClusterBus;
  readonly leaseMs: number;
  /** Commands, leases, state writes and publishing. */
  private readonly redis: Redis;
  /** Deactivations and revoked keys, to and from every other node (AccountEvents' relay). */
  readonly accountRelay: ClusterBroadcast<AccountEvent>;
  /** What admins changed, to and from every other node (AdminChanges' relay). */
  readonly adminChangesRelay: ClusterBroadcast<AdminChange>;
  /** Pub/sub only (a subscribed connection can do nothing else). */
  private readonly subscriber: Redis;
  private readonly leases: TenantLeases;
  private readonly stateStore: TenantStateStore;
  private router!: CallRouter;
  private commands!: SessionCommands;
  private persistence!: TenantPersistence;
  private readonly ownerCache = new Map<string, { nodeId: string; until: number }>();
  private readonly takingOver = new Map<string, Promise<boolean>>();
  /** When this node first found a tenant's lease missing (see lapsedLongEnough). */
  private readonly lapsedSince = new Map<string, number>();
  /** Tenants another node announced it gave up (a rolling restart). */
  private readonly releasedTenants = new Set<string>();
  private readonly gatewayQueues = new Map<string, GatewayQueue>();
  private readonly handOverListeners: (() => void)[] = [];
  private readonly tenantGoneListeners = new Set<(tenantId: string) => void>();
  private readonly tenantAdoptedListeners = new Set<
    (snapshot: LiveSnapshot, tenantId: string) => void
  >();
  private loop: NodeJS.Timeout | null = null;
  private draining = false;
  private closed = false;
  private redisDown = false;
  private advertisedUrl = '';

  constructor(private readonly options: ClusterOptions) {
    this.nodeId = options.nodeId || randomUUID().slice(0, 8);
    this.keys = new RedisKeys(options.prefix);
    this.leaseMs = options.leaseMs ?? 3_000;
    const connect = (name: string) => {
      const redis = new Redis(options.redisUrl, {
        connectionName: `switchboard-${this.nodeId}-${name}`,
        // Keep trying: a Redis outage of a few seconds must not take the node down.
        retryStrategy: (times) => Math.min(times * 100, 1_000),
        maxRetriesPerRequest: null,
      });
      redis.on('error', (error) => this.redisError(error));
      redis.on('ready', () => this.redisReady());
      return redis;
    };
    this.redis = connect('main');
    this.subscriber = connect('sub');
    this.leases = new TenantLeases(this.redis, this.keys, this.nodeId, this.leaseMs);
    this.stateStore = new TenantStateStore(this.redis, this.keys);
    const broadcast = <T>(channel: string, what: string) =>
      new ClusterBroadcast<T>(this.redis, channel, this.nodeId, what, options.log);
    this.accountRelay = broadcast(this.keys.accountsChannel(), 'an account change');
    this.adminChangesRelay = broadcast(this.keys.adminChangesChannel(), 'an admin change');
    this.bus = new ClusterBus(
      this.redis,
      this.keys,
      this.nodeId,
      (sessionId) => this.persistence?.sessionNodes.get(sessionId),
      (error) => options.log.error({ err: error }, 'cluster: delivering a frame failed'),
    );
  }

  /** The router runs the tenants this node owns; `commands` runs their tabs' commands. */
  attach(router: CallRouter, commands: SessionCommands): void {
    this.router = router;
    this.commands = commands;
    this.persistence = new TenantPersistence(this.stateStore, router, this.options.log, (tenant) =>
      this.lost(tenant, 'fenced'),
    );
  }

  /** Connects, subscribes to this node's channels, and starts renewing and scanning. */
  async start(): Promise<void> {
    // Subscribing before the connection's ready check (INFO) would fail that check.
    await Promise.all(
      [this.redis, this.subscriber].map((redis) =>
        redis.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve) => redis.once('ready', () => resolve())),
      ),
    );
    await this.subscriber.subscribe(
      this.keys.pushChannel(this.nodeId),
      this.keys.commandChannel(this.nodeId),
      this.keys.releasedChannel(),
      this.accountRelay.channel,
      this.adminChangesRelay.channel,
    );
    this.subscriber.on('message', (channel: string, payload: string) =>
      this.received(channel, payload),
    );
    await this.heartbeat();
    const every = Math.max(100, Math.floor(this.leaseMs / 3));
    const tick = () => {
      this.loop = setTimeout(() => {
        void this.maintain().finally(() => {
          if (!this.closed) tick();
        });
      }, every);
    };
    tick();
  }

  /** The base URL other nodes reach this one's HTTP API on (set once it listens). */
  advertise(url: string): void {
    this.advertisedUrl = url;
    void this.heartbeat().catch(() => {});
  }

  /** Tenants this node owns now. */
  ownedTenants(): string[] {
    return [...this.ownedEpochs().keys()];
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Whether Redis answered lately (the supervisor view and /api/health say so when not). */
  get redisReachable(): boolean {
    return !this.redisDown;
  }

  onHandOver(listener: () => void): void {
    this.handOverListeners.push(listener);
  }

  /** Whether this node runs the tenant's routing now. */
  owns(tenantId: string): boolean {
    return this.persistence?.epochOf(tenantId) !== undefined;
  }

  /**
   * Calls `listener` with each tenant this node stops owning (lost to another node, or handed
   * over): what it serves from its own routing state for that tenant is no longer current.
   */
  onTenantGone(listener: (tenantId: string) => void): () => void {
    this.tenantGoneListeners.add(listener);
    return () => this.tenantGoneListeners.delete(listener);
  }

  /** Calls `listener` with each tenant's live state this node takes over (after the router has it). */
  onTenantAdopted(listener: (snapshot: LiveSnapshot, tenantId: string) => void): () => void {
    this.tenantAdoptedListeners.add(listener);
    return () => this.tenantAdoptedListeners.delete(listener);
  }

  private tenantGone(tenantId: string): void {
    for (const listener of [...this.tenantGoneListeners]) {
      try {
        listener(tenantId);
      } catch (error) {
        this.options.log.error({ err: error, tenantId }, 'cluster: a tenant-gone listener failed');
      }
    }
  }

  // ------------------------------------------------------------------ gateway side

  /** The session backend of this node's gateway: commands go to the tenant's owner. */
  readonly backend: SessionBackend = {
    subscribe: (sessionId, listener) => this.bus.subscribe(sessionId, listener),
    open: (tenantId, request) =>
      this.send({ kind: 'open', tenantId, node: this.nodeId, hops: 0, request }),
    execute: (tenantId, sessionId, message) =>
      this.send({ kind: 'execute', tenantId, node: this.nodeId, hops: 0, sessionId, message }),
    end: (tenantId, sessionId, how) =>
      this.send({ kind: 'end', tenantId, node: this.nodeId, hops: 0, sessionId, how }),
  };

  /**
   * Hands a command to the tenant's owner, in order with this gateway's other commands for it.
   * Commands that arrive while the previous ones are on their way go together in one pipeline
   * (one Redis round trip), not one round trip each: 25 accepts sent in the same instant used to
   * reach the owner 25 round trips apart, long enough for the losers' legs to have lingered out.
   */
  private send(command: ClusterCommand): void {
    let queue = this.gatewayQueues.get(command.tenantId);
    if (!queue)
      this.gatewayQueues.set(
        command.tenantId,
        (queue = { pending: [], running: false, drained: Promise.resolve() }),
      );
    queue.pending.push(command);
    if (queue.running) return;
    queue.running = true;
    // After this turn of the event loop: the frames of sockets read in the same turn (a burst
    // of accepts) go in the same first batch.
    const tenantId = command.tenantId;
    queue.drained = new Promise<void>((resolve) =>
      setImmediate(() => void this.drain(tenantId, queue).finally(resolve)),
    );
  }

  private async drain(tenantId: string, queue: GatewayQueue): Promise<void> {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0);
      await this.deliver(tenantId, batch).catch((error: unknown) =>
        this.options.log.error({ err: error, tenantId }, 'cluster: commands lost'),
      );
    }
    queue.running = false;
    if (this.gatewayQueues.get(tenantId) === queue) this.gatewayQueues.delete(tenantId);
  }

  /** Sends `batch` (in order) to the owner; from the first one nobody received on, again. */
  private async deliver(tenantId: string, batch: ClusterCommand[]): Promise<void> {
    let rest = batch;
    const giveUpAt = Date.now() + DELIVERY_GIVE_UP_MS;
    while (Date.now() < giveUpAt && !this.closed) {
      const owner = await this.ownerOf(tenantId).catch(() => null);
      if (owner === this.nodeId) {
        for (const command of rest) await this.handle(command);
        return;
      }
      if (owner) {
        const channel = this.keys.commandChannel(owner);
        const pipeline = this.redis.pipeline();
        for (const command of rest) pipeline.publish(channel, JSON.stringify(command));
        const results = await pipeline.exec().catch(() => null);
        // Pub/sub keeps one connection's order, so those before the first lost one arrived.
        const firstLost = results
          ? results.findIndex(([error, receivers]) => error || receivers === 0)
          : 0;
        if (firstLost === -1) return;
        rest = rest.slice(firstLost);
        this.ownerCache.delete(tenantId); // gone: wait for the tenant's next owner
      }
      await sleep(Math.min(250, this.leaseMs / 4));
    }
    this.options.log.warn(
      { tenantId, kinds: rest.map((command) => command.kind) },
      'cluster: no owner reachable for this tenant; commands dropped',
    );
  }

  /**
   * The node that owns the tenant; this node when it does or just took it over; null when it
   * is between owners (or this node is leaving and will not take it).
   */
  async ownerOf(tenantId: string): Promise<string | null> {
    if (this.persistence.epochOf(tenantId) !== undefined) return this.nodeId;
    const pending = this.takingOver.get(tenantId);
    if (pending) return (await pending) ? this.nodeId : this.ownerOf(tenantId);
    const cached = this.ownerCache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.nodeId;
    const lease = await this.leases.owner(tenantId);
    if (lease && lease.nodeId !== this.nodeId) {
      this.ownerCache.set(tenantId, { nodeId: lease.nodeId, until: Date.now() + OWNER_CACHE_MS });
      return lease.nodeId;
    }
    if (lease) return null; // ours from before a restart: it lapses, then anyone takes it
    if (this.draining) return null;
    if (!(await this.lapsedLongEnough(tenantId))) return null;
    return (await this.takeOver(tenantId)) ? this.nodeId : this.ownerOf(tenantId);
  }

  /**
   * A tenant that had an owner is taken only once its lease has been missing for a third of a
   * lease: an owner whose lease lapsed while Redis was away takes it back first (renewLeases),
   * with what it did meanwhile. A tenant nobody ever owned is taken at once.
   */
  private async lapsedLongEnough(tenantId: string): Promise<boolean> {
    if (this.releasedTenants.delete(tenantId)) return true; // given up on purpose: take it now
    if (!(await this.redis.exists(this.keys.epoch(tenantId)))) return true;
    const now = Date.now();
    const since = this.lapsedSince.get(tenantId);
    if (since === undefined || now - since > this.leaseMs * 2) {
      this.lapsedSince.set(tenantId, now);
      return false;
    }
    if (now - since < this.leaseMs / 3) return false;
    this.lapsedSince.delete(tenantId);
    return true;
  }

  // ------------------------------------------------------------------ owner side

  private received(channel: string, payload: string): void {
    try {
      if (channel === this.keys.pushChannel(this.nodeId)) {
        const { s, m } = JSON.parse(payload) as PushEnvelope;
        this.bus.deliver(s, m);
      } else if (channel === this.keys.commandChannel(this.nodeId)) {
        void this.handle(JSON.parse(payload) as ClusterCommand);
      } else if (channel === this.accountRelay.channel) {
        this.accountRelay.received(payload);
      } else if (channel === this.adminChangesRelay.channel) {
        this.adminChangesRelay.received(payload);
      } else if (channel === this.keys.releasedChannel()) {
        const { tenantId, node } = JSON.parse(payload) as { tenantId: string; node: string };
        this.ownerCache.delete(tenantId);
        if (node !== this.nodeId && !this.draining) {
          this.releasedTenants.add(tenantId);
          void this.ownerOf(tenantId).catch(() => {});
        }
      }
    } catch (error) {
      this.options.log.error({ err: error, channel }, 'cluster: bad message');
    }
  }

  private async handle(command: ClusterCommand): Promise<void> {
    const { tenantId } = command;
    if (this.persistence.epochOf(tenantId) === undefined) {
      const pending = this.takingOver.get(tenantId);
      if (!(pending && (await pending))) {
        // Not (or no longer) ours: pass it on to the owner, a few times at most.
        if (command.hops >= MAX_HOPS)
          return this.options.log.warn({ tenantId }, 'cluster: command went round; dropped');
        this.ownerCache.delete(tenantId);
        return this.send({ ...command, hops: command.hops + 1 });
      }
    }
    const nodes = this.persistence.sessionNodes;
    switch (command.kind) {
      case 'open': {
        const sessionId = this.commands.chooseSessionId(command.request);
        this.persistence.bindSession(sessionId, command.node);
        this.commands.open(command.request, this.options.resumeMs);
        return;
      }
      case 'execute':
        // A socket that lost its session to a newer one (on another node) is not listened to.
        if (nodes.get(command.sessionId) !== command.node) return;
        return this.commands.execute(command.sessionId, command.message);
      case 'end':
        if (nodes.get(command.sessionId) !== command.node) return;
        return this.commands.end(command.sessionId, command.how);
    }
  }

  private takeOver(tenantId: string): Promise<boolean> {
    let pending = this.takingOver.get(tenantId);
    if (pending) return pending;
    pending = (async () => {
      const epoch = await this.leases.acquire(tenantId);
      if (epoch === null) return false;
      try {
        const { snapshot, sessionNodes } = await this.stateStore.load(tenantId);
        this.persistence.own(tenantId, epoch, sessionNodes);
        this.router.adoptTenant(snapshot);
        for (const listener of this.tenantAdoptedListeners) listener(snapshot, tenantId);
        this.ownerCache.delete(tenantId);
        if (snapshot.sessions.length || snapshot.calls.length)
          this.options.log.info(
            {
              tenantId,
              epoch,
              calls: snapshot.calls.length,
              sessions: snapshot.sessions.length,
            },
            'cluster: took the tenant over',
          );
        await this.detachSessionsOfDeadNodes();
        return true;
      } catch (error) {
        this.options.log.error({ err: error, tenantId }, 'cluster: taking the tenant over failed');
        this.persistence.disown(tenantId);
        await this.leases.release(tenantId, epoch).catch(() => {});
        return false;
      }
    })().finally(() => this.takingOver.delete(tenantId));
    this.takingOver.set(tenantId, pending);
    return pending;
  }

  /** The tenant is not ours any more: its state leaves the router untouched (the owner has it). */
  private lost(tenantId: string, why: 'fenced' | 'lease lapsed'): void {
    if (this.persistence.epochOf(tenantId) !== undefined) this.persistence.disown(tenantId);
    this.router.releaseTenant(tenantId);
    this.ownerCache.delete(tenantId);
    this.options.log.warn({ tenantId, why }, 'cluster: lost the tenant to another node');
    this.tenantGone(tenantId);
  }

  private ownedEpochs(): Map<string, number> {
    const owned = new Map<string, number>();
    for (const tenantId of this.persistence?.ownedTenants() ?? [])
      owned.set(tenantId, this.persistence.epochOf(tenantId)!);
    return owned;
  }

  /** Renews this node's leases and liveness, takes over tenants nobody owns, detaches the sessions of dead nodes. */
  private async maintain(): Promise<void> {
    try {
      await this.heartbeat();
      await this.renewLeases();
      if (!this.draining) {
        for (const tenantId of await this.stateStore.tenantsWithState()) {
          if (this.persistence.epochOf(tenantId) !== undefined) continue;
          if (!(await this.leases.owner(tenantId))) await this.ownerOf(tenantId);
        }
      }
      await this.detachSessionsOfDeadNodes();
    } catch (error) {
      this.redisError(error as Error);
    }
  }

  /** Renews every owned lease; one that lapsed (Redis was away) is taken back if nobody took it. */
  private async renewLeases(): Promise<void> {
    for (const [tenantId, epoch] of this.ownedEpochs()) {
      if (await this.leases.renew(tenantId, epoch)) continue;
      if (await this.leases.reclaim(tenantId, epoch)) {
        this.options.log.info(
          { tenantId, epoch },
          'cluster: lease taken back after Redis returned',
        );
        continue;
      }
      this.lost(tenantId, 'lease lapsed');
    }
  }

  private async heartbeat(): Promise<void> {
    await this.redis.set(
      this.keys.node(this.nodeId),
      this.advertisedUrl || '-',
      'PX',
      this.leaseMs,
    );
  }

  /** Base URL of another node's HTTP API (null when it is gone). */
  async nodeUrl(nodeId: string): Promise<string | null> {
    const url = await this.redis.get(this.keys.node(nodeId));
    return url && url !== '-' ? url : null;
  }

  private async detachSessionsOfDeadNodes(): Promise<void> {
    const nodes = new Set<string>();
    for (const [sessionId, node] of this.persistence.sessionNodes)
      if (node !== this.nodeId && this.router.sessionOf(sessionId)) nodes.add(node);
    if (nodes.size === 0) return;
    const list = [...nodes];
    const alive = await this.redis.exists(...list.map((node) => this.keys.node(node)));
    if (alive === list.length) return;
    for (const node of list) {
      if (await this.redis.exists(this.keys.node(node))) continue;
      let detached = 0;
      for (const [sessionId, boundTo] of [...this.persistence.sessionNodes]) {
        const session = this.router.sessionOf(sessionId);
        if (boundTo !== node || !session || session.detached) continue;
        this.commands.end(
          sessionId,
          this.options.resumeMs > 0
            ? { kind: 'detach', resumeMs: this.options.resumeMs }
            : { kind: 'close', cause: 'lost' },
        );
        detached++;
      }
      if (detached)
        this.options.log.warn(
          { node, detached },
          'cluster: a node is gone; its tabs may resume elsewhere',
        );
    }
  }

  private redisError(error: Error): void {
    if (this.redisDown || this.closed) return;
    this.redisDown = true;
    this.options.log.warn(
      { err: error.message },
      'cluster: Redis unreachable; serving what this node owns, saving state once it returns',
    );
  }

  private redisReady(): void {
    if (!this.redisDown) return;
    this.redisDown = false;
    this.options.log.info({}, 'cluster: Redis reachable again');
    // Before anyone else may take a lapsed lease; the unsaved state follows (tenant-persistence).
    if (this.persistence) void this.renewLeases().catch((error) => this.redisError(error as Error));
  }

  // ------------------------------------------------------------------ leaving

  /**
   * Leaves the cluster without any call noticing (a rolling restart): every owned tenant's
   * state is saved whole, given up and announced so another node takes it at once; then this
   * node's sockets close with 1012 so their tabs resume on other nodes.
   */
  async handOver(): Promise<void> {
    if (this.draining || this.closed) return;
    this.draining = true;
    for (const [tenantId, epoch] of this.ownedEpochs()) {
      const saved = await this.persistence.saveWhole(tenantId);
      this.persistence.disown(tenantId);
      this.router.releaseTenant(tenantId);
      if (saved && (await this.leases.release(tenantId, epoch).catch(() => false)))
        await this.redis
          .publish(this.keys.releasedChannel(), JSON.stringify({ tenantId, node: this.nodeId }))
          .catch(() => 0);
      this.tenantGone(tenantId);
    }
    for (const listener of this.handOverListeners) listener();
    // The sockets' last commands (their sessions detach) reach the new owners.
    await sleep(50);
    while (this.gatewayQueues.size)
      await Promise.allSettled([...this.gatewayQueues.values()].map((queue) => queue.drained));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.loop) clearTimeout(this.loop);
    await this.persistence?.flush();
    this.persistence?.close();
    await this.redis.del(this.keys.node(this.nodeId)).catch(() => {});
    this.subscriber.disconnect();
    this.redis.disconnect();
  }
}
