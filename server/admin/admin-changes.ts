/**
 * What admins changed, per tenant, for the admin pages that are open (`/api/admin/changes`).
 * The routes that change people, ring groups, phone numbers and API keys say which list they
 * touched; each tenant's watchers get one `admin.changed` frame per burst, `coalesceMs` after
 * its first change, so a script creating a thousand people costs each open page a few re-reads,
 * not a thousand. Nobody watching a tenant: nothing is kept for it.
 *
 * In a cluster a change runs on the tenant's owner, and the admin pages' sockets sit on any node:
 * every change is also relayed to the other nodes (server/cluster/cluster-broadcast.ts), which
 * push it to their own pages.
 */
import type { AdminSection } from '../../protocol/admin-protocol.ts';

export type AdminChangesListener = (sections: AdminSection[]) => void;

export interface AdminChange {
  tenantId: string;
  sections: AdminSection[];
}

/** Carries changes to the other nodes and theirs to this one (never this node's own back). */
export interface AdminChangesRelay {
  publish(change: AdminChange): Promise<void>;
  onReceived(listener: (change: AdminChange) => void): void;
}

export class AdminChanges {
  private readonly watchers = new Map<string, Set<AdminChangesListener>>();
  private readonly pending = new Map<
    string,
    { sections: Set<AdminSection>; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly coalesceMs = 100,
    private readonly relay?: AdminChangesRelay,
  ) {
    relay?.onReceived(({ tenantId, sections }) => this.changedHere(tenantId, ...sections));
  }

  /** Something in these lists of the tenant changed: tell the pages on this node and the others. */
  changed(tenantId: string, ...sections: AdminSection[]): void {
    this.changedHere(tenantId, ...sections);
    void this.relay?.publish({ tenantId, sections });
  }

  /**
   * Tells this node's pages only: for a change every node hears of by itself (AccountEvents are
   * relayed already), and for the changes the relay brings.
   */
  changedHere(tenantId: string, ...sections: AdminSection[]): void {
    if (!this.watchers.has(tenantId)) return;
    const pending = this.pending.get(tenantId);
    if (pending) {
      for (const section of sections) pending.sections.add(section);
      return;
    }
    const timer = setTimeout(() => this.flush(tenantId), this.coalesceMs);
    this.pending.set(tenantId, { sections: new Set(sections), timer });
  }

  /** Calls `listener` with what changed in the tenant from now on, until the returned stop. */
  watch(tenantId: string, listener: AdminChangesListener): () => void {
    let listeners = this.watchers.get(tenantId);
    if (!listeners) this.watchers.set(tenantId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.watchers.get(tenantId) !== listeners) return;
      this.watchers.delete(tenantId);
      clearTimeout(this.pending.get(tenantId)?.timer);
      this.pending.delete(tenantId);
    };
  }

  stop(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.watchers.clear();
  }

  private flush(tenantId: string): void {
    const pending = this.pending.get(tenantId);
    this.pending.delete(tenantId);
    if (!pending) return;
    const sections = [...pending.sections];
    for (const listener of this.watchers.get(tenantId) ?? []) listener(sections);
  }
}
