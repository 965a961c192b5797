/**
 * Carries AccountEvents (server/people/account-events.ts) between the nodes of a cluster on one
 * pub/sub channel: a deactivated person's tabs sit on any node, and every node remembers the API
 * keys it checked (as a gateway or as an owner) for a few seconds. Each node applies its own
 * events at once and drops them when Redis sends them back.
 *
 * Pub/sub, not a stream: a node that misses an event (it was not connected) has no tabs of that
 * moment to close, and a key it remembered lapses within API_KEY_CACHE_MS anyway.
 */
import type { Redis } from 'ioredis';
import type { AccountEvent, AccountRelay } from '../people/account-events.ts';
import type { RedisKeys } from './redis-keys.ts';

/** How long an announcement may wait for Redis before the admin's request is answered anyway
 *  (the key cache's own expiry is the backstop). */
const PUBLISH_WAIT_MS = 1_000;

interface RelayLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

interface Envelope {
  from: string;
  event: AccountEvent;
}

export class ClusterAccountRelay implements AccountRelay {
  private readonly listeners: ((event: AccountEvent) => void)[] = [];

  constructor(
    private readonly publisher: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly log: RelayLog,
  ) {}

  get channel(): string {
    return this.keys.accountsChannel();
  }

  async publish(event: AccountEvent): Promise<void> {
    const envelope: Envelope = { from: this.nodeId, event };
    let timer: NodeJS.Timeout | undefined;
    const sent = this.publisher.publish(this.channel, JSON.stringify(envelope)).then(
      () => true,
      (error: unknown) => {
        this.log.error({ err: error, event }, 'cluster: announcing an account change failed');
        return true;
      },
    );
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PUBLISH_WAIT_MS);
    });
    if (!(await Promise.race([sent, late])))
      this.log.warn(
        { event },
        'cluster: account change not yet announced (Redis slow); sent when it answers',
      );
    clearTimeout(timer);
  }

  onReceived(listener: (event: AccountEvent) => void): void {
    this.listeners.push(listener);
  }

  /** A message on the accounts channel. */
  received(payload: string): void {
    const { from, event } = JSON.parse(payload) as Envelope;
    if (from === this.nodeId) return;
    for (const listener of this.listeners) listener(event);
  }
}
