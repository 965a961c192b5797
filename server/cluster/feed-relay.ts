/**
 * The supervisor feed in a cluster. A tenant's feed is computed where its routing runs (the
 * owner: the feed reads the router's live calls and agents), so a supervisor whose socket
 * reached another node is served by relaying: that node opens the same feed on the owner
 * (`/api/supervisor/feed` with the supervisor's token, marked forwarded) and passes its
 * snapshot and changes on. When the owner goes (killed, handed over, fenced) the relay finds
 * the new owner and starts again from its snapshot, on the same browser socket: the console
 * replaces everything on a snapshot, so it just carries on.
 *
 *   browser ──ws──► gateway node (FeedRelay.serve) ──ws, forwarded──► owner (FeedRelay.serveOwned)
 *
 * Heartbeats stay per hop: the gateway beats the browser itself (its FeedConnection), and
 * watches the owner's beats to notice a silent owner. The owner closes a forwarded feed with
 * 1012 when it stops owning the tenant, which sends the relay to the new owner.
 */
import WebSocket from 'ws';
import type { SupervisorMessage } from '../../protocol/supervisor-protocol.ts';
import type { FeedSubscriber, SupervisorFeed } from '../supervisor/supervisor-feed.ts';
import type { ClusterNode } from './cluster-node.ts';
import { FORWARDED_HEADER } from './http-forwarding.ts';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from '../auth/websocket-identity.ts';

/** Closes the browser's (or the relaying node's) socket. */
type Close = (code: number, reason: string) => void;
interface Tenant {
  id: string;
  name: string;
}

/** Close code for "this node does not serve that tenant any more; ask again". */
export const CLOSE_MOVED = 1012;
/** How long the relay looks for an owner before giving the browser up (it reconnects). */
const OWNER_GIVE_UP_MS = 15_000;
const RETRY_MS = 200;
/** The owner's snapshot may wait for records being written. */
const FIRST_FRAME_MS = 10_000;
/** Heartbeats an owner may miss before the relay drops it and looks again. */
const SILENT_BEATS = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FeedRelay {
  constructor(
    private readonly cluster: ClusterNode,
    private readonly feed: SupervisorFeed,
    private readonly heartbeatMs: number,
    private readonly log: { info(details: object, message: string): void },
  ) {}

  /**
   * A feed another node relays: served from this node's routing while it owns the tenant;
   * closed with CLOSE_MOVED when it does not (or stops), so the relay asks again.
   */
  serveOwned(tenant: Tenant, subscriber: FeedSubscriber, onLive: () => void, close: Close) {
    if (!this.cluster.owns(tenant.id)) {
      close(CLOSE_MOVED, 'this node does not own the tenant');
      return () => {};
    }
    let unsubscribe: (() => void) | null = null;
    let stopped = false;
    const stop = () => {
      stopped = true;
      stopWatching();
      unsubscribe?.();
    };
    const stopWatching = this.cluster.onTenantGone((tenantId) => {
      if (tenantId !== tenant.id) return;
      stop();
      close(CLOSE_MOVED, 'the tenant moved to another node');
    });
    this.feed
      .subscribe(tenant, subscriber)
      .then((unsubscribeFeed) => {
        if (stopped) return unsubscribeFeed();
        unsubscribe = unsubscribeFeed;
        onLive();
      })
      .catch(() => close(1011, 'feed unavailable'));
    return stop;
  }

  /**
   * A supervisor's feed on this node, whichever node owns the tenant, following the owner
   * until the returned function is called. `onLive` is called once, with the first snapshot.
   */
  serve(
    tenant: Tenant,
    token: string,
    subscriber: FeedSubscriber,
    onLive: () => void,
    close: Close,
  ): () => void {
    let stopped = false;
    const refuse: Close = (code, reason) => {
      stopped = true;
      close(code, reason);
    };
    let stopCurrent: (() => void) | null = null;
    let live = false;
    const snapshotSent = () => {
      if (live) return;
      live = true;
      onLive();
    };
    const run = async () => {
      let giveUpAt = Date.now() + OWNER_GIVE_UP_MS;
      while (!stopped) {
        const owner = await this.cluster.ownerOf(tenant.id).catch(() => null);
        let served = false;
        if (stopped) return;
        if (owner === this.cluster.nodeId) {
          served = await this.followLocal(tenant, subscriber, snapshotSent, (stop) => {
            stopCurrent = stop;
          });
        } else if (owner) {
          const url = await this.cluster.nodeUrl(owner).catch(() => null);
          if (url && !stopped)
            served = await this.followRemote(
              url,
              token,
              subscriber,
              snapshotSent,
              refuse,
              (stop) => {
                stopCurrent = stop;
              },
            );
        }
        stopCurrent = null;
        if (stopped) return;
        if (served) giveUpAt = Date.now() + OWNER_GIVE_UP_MS;
        else if (Date.now() > giveUpAt)
          return close(1011, 'feed unavailable: the tenant has no owner');
        await sleep(RETRY_MS);
      }
    };
    void run().catch(() => close(1011, 'feed unavailable'));
    return () => {
      stopped = true;
      stopCurrent?.();
    };
  }

  /** Serves from this node's feed until the tenant leaves this node; true if a snapshot went out. */
  private followLocal(
    tenant: Tenant,
    subscriber: FeedSubscriber,
    snapshotSent: () => void,
    onStop: (stop: () => void) => void,
  ): Promise<boolean> {
    return new Promise((resolve) => {
      let unsubscribe: (() => void) | null = null;
      let done = false;
      let sent = false;
      const finish = () => {
        if (done) return;
        done = true;
        stopWatching();
        unsubscribe?.();
        resolve(sent);
      };
      const stopWatching = this.cluster.onTenantGone((tenantId) => {
        if (tenantId === tenant.id) finish();
      });
      onStop(finish);
      this.feed
        .subscribe(tenant, subscriber)
        .then((unsubscribeFeed) => {
          if (done) return unsubscribeFeed();
          unsubscribe = unsubscribeFeed;
          sent = true;
          snapshotSent();
        })
        .catch(finish);
    });
  }

  /** Relays the owner's feed until its socket closes or goes silent; true if a snapshot went out. */
  private followRemote(
    ownerUrl: string,
    token: string,
    subscriber: FeedSubscriber,
    snapshotSent: () => void,
    refuse: Close,
    onStop: (stop: () => void) => void,
  ): Promise<boolean> {
    return new Promise((resolve) => {
      const url = `${ownerUrl.replace(/^http/, 'ws')}/api/supervisor/feed?token=${encodeURIComponent(token)}`;
      const upstream = new WebSocket(url, { headers: { [FORWARDED_HEADER]: '1' } });
      let sent = false;
      let watchdog: NodeJS.Timeout | undefined;
      const expectBeatWithin = (ms: number) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          this.log.info({ ownerUrl }, 'supervisor feed: the owner went silent; looking again');
          upstream.terminate();
        }, ms);
      };
      expectBeatWithin(FIRST_FRAME_MS);
      upstream.on('message', (data) => {
        expectBeatWithin(this.heartbeatMs * SILENT_BEATS);
        const frame = JSON.parse(data.toString()) as SupervisorMessage;
        if (frame.type === 'supervisor.heartbeat') return; // this node beats its own socket
        subscriber.send(frame);
        if (frame.type === 'supervisor.snapshot') {
          sent = true;
          snapshotSent();
        }
      });
      upstream.on('error', () => {}); // 'close' follows
      upstream.on('close', (code, reason) => {
        clearTimeout(watchdog);
        // The owner refused the supervisor (token expired, role taken away): so does this node.
        if (code === CLOSE_UNAUTHORIZED || code === CLOSE_FORBIDDEN)
          refuse(code, reason.toString());
        resolve(sent);
      });
      onStop(() => upstream.close(1000));
    });
  }
}
