/**
 * Tells the parts that hold people's live connections and credentials what an admin changed: a
 * deactivated person's tabs are closed (session gateway), a revoked API key is forgotten by the
 * key cache (auth/request-auth.ts), and every change to the tenant's people is a
 * `directory_changed` for the consoles that show them. In a cluster every event is also relayed
 * to the other nodes (server/cluster/cluster-broadcast.ts), which hold tabs and remember keys too:
 * what an admin takes away is taken away on every node at once.
 */
export type AccountEvent =
  | { type: 'deactivated'; tenantId: string; userId: string }
  | { type: 'changed'; tenantId: string }
  | { type: 'api-key-revoked'; tenantId: string };

/** Carries events to the other nodes and theirs to this one (never this node's own back). */
export interface AccountRelay {
  /** Resolves once the other nodes have been sent it (or it gave up, and said so); never rejects. */
  publish(event: AccountEvent): Promise<void>;
  onReceived(listener: (event: AccountEvent) => void): void;
}

type Listener = (event: AccountEvent) => void;

export class AccountEvents {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly relay?: AccountRelay) {
    relay?.onReceived((event) => this.apply(event));
  }

  /** The person was deactivated: close their tabs now, on every node. */
  deactivated(tenantId: string, userId: string): Promise<void> {
    // Deactivated first: every node then closes the person's feeds as deactivated before the
    // change to people makes a page re-check its admin and find them gone (the relay keeps
    // this order; in the other order a node could close them "no longer exists" instead).
    const announced = this.announce({ type: 'deactivated', tenantId, userId });
    this.changed(tenantId);
    return announced;
  }

  /** Something about the tenant's people changed (the other nodes hear of it shortly). */
  changed(tenantId: string): void {
    void this.announce({ type: 'changed', tenantId });
  }

  /** One of the tenant's API keys was revoked: no node may accept it from now on. */
  apiKeyRevoked(tenantId: string): Promise<void> {
    return this.announce({ type: 'api-key-revoked', tenantId });
  }

  onDeactivated(listener: (tenantId: string, userId: string) => void): () => void {
    return this.listen((event) => {
      if (event.type === 'deactivated') listener(event.tenantId, event.userId);
    });
  }

  onChanged(listener: (tenantId: string) => void): () => void {
    return this.listen((event) => {
      if (event.type === 'changed') listener(event.tenantId);
    });
  }

  onApiKeyRevoked(listener: (tenantId: string) => void): () => void {
    return this.listen((event) => {
      if (event.type === 'api-key-revoked') listener(event.tenantId);
    });
  }

  /** Here at once; the other nodes as soon as the relay carries it. */
  private announce(event: AccountEvent): Promise<void> {
    this.apply(event);
    return this.relay?.publish(event) ?? Promise.resolve();
  }

  private apply(event: AccountEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
