/**
 * One pub/sub channel that every node of a cluster hears: what one node announces, every other
 * node applies too. It carries AccountEvents (server/people/account-events.ts: a deactivated
 * person's tabs and feeds sit on any node, and every node remembers the API keys it checked)
 * and admin changes (server/admin/admin-changes.ts: an admin page's socket sits on any node).
 * Each node applies its own announcements at once and drops them when Redis sends them back.
 *
 * Pub/sub, not a stream: a node that misses an announcement (it was not connected) has no tabs
 * or pages of that moment to tell, a key it remembered lapses within API_KEY_CACHE_MS anyway,
 * and an admin page re-reads every list when it reconnects.
 */
import type { Redis } from 'ioredis';

/** How long an announcement may wait for Redis before the request that made it is answered
 *  anyway (for keys, the cache's own expiry is the backstop). */
const PUBLISH_WAIT_MS = 1_000;

interface BroadcastLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

interface Envelope<T> {
  from: string;
  event: T;
}

export class ClusterBroadcast<T> {
  private readonly listeners: ((event: T) => void)[] = [];

  /** `what` names an event in the logs ("an account change", "an admin change"). */
  constructor(
    private readonly publisher: Redis,
    readonly channel: string,
    private readonly nodeId: string,
    private readonly what: string,
    private readonly log: BroadcastLog,
  ) {}

  /** Resolves once the other nodes have been sent it (or it gave up, and said so); never rejects. */
  async publish(event: T): Promise<void> {
    const envelope: Envelope<T> = { from: this.nodeId, event };
    let timer: NodeJS.Timeout | undefined;
    const sent = this.publisher.publish(this.channel, JSON.stringify(envelope)).then(
      () => true,
      (error: unknown) => {
        this.log.error({ err: error, event }, `cluster: announcing ${this.what} failed`);
        return true;
      },
    );
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PUBLISH_WAIT_MS);
    });
    if (!(await Promise.race([sent, late])))
      this.log.warn(
        { event },
        `cluster: ${this.what} not yet announced (Redis slow); sent when it answers`,
      );
    clearTimeout(timer);
  }

  onReceived(listener: (event: T) => void): void {
    this.listeners.push(listener);
  }

  /** A message on the channel. */
  received(payload: string): void {
    const { from, event } = JSON.parse(payload) as Envelope<T>;
    if (from === this.nodeId) return;
    for (const listener of this.listeners) listener(event);
  }
}
