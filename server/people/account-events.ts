/**
 * Tells the parts that hold people's live connections what an admin changed: a deactivated
 * person's tabs are closed (session gateway), and every change to the tenant's people is a
 * `directory_changed` for the consoles that show them. In-process: in a cluster a person's tabs
 * on another node are closed when they next authenticate (their token is refused).
 */
type Listener = (tenantId: string, userId: string | null) => void;

export class AccountEvents {
  private readonly deactivatedListeners = new Set<Listener>();
  private readonly changedListeners = new Set<Listener>();

  /** The person was deactivated: close their tabs now. */
  deactivated(tenantId: string, userId: string): void {
    for (const listener of this.deactivatedListeners) listener(tenantId, userId);
    this.changed(tenantId);
  }

  /** Something about the tenant's people changed. */
  changed(tenantId: string): void {
    for (const listener of this.changedListeners) listener(tenantId, null);
  }

  onDeactivated(listener: (tenantId: string, userId: string) => void): () => void {
    const wrapped: Listener = (tenantId, userId) => listener(tenantId, userId!);
    this.deactivatedListeners.add(wrapped);
    return () => this.deactivatedListeners.delete(wrapped);
  }

  onChanged(listener: (tenantId: string) => void): () => void {
    const wrapped: Listener = (tenantId) => listener(tenantId);
    this.changedListeners.add(wrapped);
    return () => this.changedListeners.delete(wrapped);
  }
}
