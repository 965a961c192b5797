/**
 * The owner node's write-behind of live state to Redis: a routing observer that, after each
 * step, writes the entities the step touched for every tenant this node owns, fenced by the
 * tenant's epoch (tenant-state-store.ts). Routing never waits for it. When Redis cannot be
 * reached the tenant is marked dirty and its whole state is written again once Redis answers,
 * so nothing is lost, only delayed; a write refused for a stale epoch means another node owns
 * the tenant now, which `onFenced` is told.
 */
import type { LiveSnapshot, LiveStoreReader, RoutingTransition } from '../routing/index.ts';
import { tenantWrite, touchedBy, type TenantStateStore } from './tenant-state-store.ts';

export interface PersistenceLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface PersistedRouter {
  observeTransitions(
    listener: (transitions: readonly RoutingTransition[], state: LiveStoreReader) => void,
  ): () => void;
  tenantSnapshot(tenantId: string): LiveSnapshot;
}

const RETRY_MS = 250;

export class TenantPersistence {
  /** Tenants this node owns, with the epoch it owns each under. */
  private readonly owned = new Map<string, number>();
  /** Which node holds each session's socket (kept with the session in Redis). */
  readonly sessionNodes = new Map<string, string>();
  /** A call's dialing session, still known when the call is dropped (its list changes then). */
  private readonly callers = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private pending = new Set<Promise<unknown>>();
  private retry: NodeJS.Timeout | null = null;
  private readonly stopObserving: () => void;
  private closed = false;

  constructor(
    private readonly store: TenantStateStore,
    private readonly router: PersistedRouter,
    private readonly log: PersistenceLog,
    private readonly onFenced: (tenantId: string) => void,
  ) {
    this.stopObserving = router.observeTransitions((transitions, state) =>
      this.stepEnded(transitions, state),
    );
  }

  /** From now on this node writes the tenant's changes under `epoch`. */
  own(tenantId: string, epoch: number, sessionNodes?: ReadonlyMap<string, string>): void {
    this.owned.set(tenantId, epoch);
    for (const [sessionId, node] of sessionNodes ?? []) this.sessionNodes.set(sessionId, node);
  }

  disown(tenantId: string): void {
    this.owned.delete(tenantId);
    this.dirty.delete(tenantId);
  }

  ownedTenants(): string[] {
    return [...this.owned.keys()];
  }

  epochOf(tenantId: string): number | undefined {
    return this.owned.get(tenantId);
  }

  /** Tenants whose last writes failed (Redis unreachable) and wait to be written whole. */
  get unsaved(): readonly string[] {
    return [...this.dirty];
  }

  /** Marks the session's socket as held by `nodeId`; written with the session's next change. */
  bindSession(sessionId: string, nodeId: string): void {
    this.sessionNodes.set(sessionId, nodeId);
  }

  /** Resolves once every write handed to Redis so far has been answered (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Writes one tenant's whole state now (before handing it over); false when fenced off or failing. */
  async saveWhole(tenantId: string): Promise<boolean> {
    await this.flush();
    return this.writeWhole(tenantId);
  }

  private async writeWhole(tenantId: string): Promise<boolean> {
    const epoch = this.owned.get(tenantId);
    if (epoch === undefined) return false;
    try {
      const written = await this.store.replace(
        tenantId,
        epoch,
        this.router.tenantSnapshot(tenantId),
        this.sessionNodes,
      );
      if (written) this.dirty.delete(tenantId);
      else this.fenced(tenantId, epoch);
      return written;
    } catch (error) {
      this.failed(tenantId, error);
      return false;
    }
  }

  close(): void {
    this.closed = true;
    this.stopObserving();
    if (this.retry) clearTimeout(this.retry);
  }

  private stepEnded(transitions: readonly RoutingTransition[], state: LiveStoreReader): void {
    for (const transition of transitions) {
      if (transition.type === 'callPlaced' && transition.call.callerSessionId)
        this.callers.set(transition.call.id, transition.call.callerSessionId);
    }
    for (const [tenantId, touched] of touchedBy(transitions)) {
      const epoch = this.owned.get(tenantId);
      if (epoch === undefined) continue;
      for (const transition of transitions) {
        if (transition.type !== 'callDropped' || transition.tenantId !== tenantId) continue;
        const caller = this.callers.get(transition.callId);
        if (caller) touched.sessionIds.add(caller);
        this.callers.delete(transition.callId);
      }
      const ofTenant = transitions.filter((transition) => transition.tenantId === tenantId);
      const write = tenantWrite(tenantId, touched, state, ofTenant, this.sessionNodes);
      for (const sessionId of touched.sessionIds)
        if (!state.session(sessionId)) this.sessionNodes.delete(sessionId);
      // Already behind: the whole state goes again once Redis answers; this step is in it.
      if (this.dirty.has(tenantId)) continue;
      this.track(
        this.store.write(tenantId, epoch, write).then(
          (written) => written || this.fenced(tenantId, epoch),
          (error: unknown) => this.failed(tenantId, error),
        ),
      );
    }
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private fenced(tenantId: string, epoch: number): void {
    if (this.owned.get(tenantId) !== epoch) return;
    this.log.warn({ tenantId, epoch }, 'cluster: another node owns this tenant now (stale epoch)');
    this.disown(tenantId);
    this.onFenced(tenantId);
  }

  private failed(tenantId: string, error: unknown): void {
    if (!this.dirty.has(tenantId))
      this.log.warn(
        { tenantId, err: String(error) },
        'cluster: could not save live state to Redis; will write it whole when Redis answers',
      );
    this.dirty.add(tenantId);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      for (const tenantId of [...this.dirty])
        this.track(
          this.writeWhole(tenantId).then((saved) => {
            if (saved) this.log.info({ tenantId }, 'cluster: live state saved to Redis again');
          }),
        );
    }, RETRY_MS);
  }
}
