/**
 * One supervisor's feed socket. Besides the frames it carries, it heartbeats both ways, like a
 * session socket: a WebSocket ping the browser answers by itself (two unanswered and the socket
 * is terminated, so a vanished tab stops costing frames), and a `supervisor.heartbeat` frame the
 * page can see (it reconnects after three silent beats and gets a fresh snapshot).
 */
import type { WebSocket } from 'ws';
import type { SupervisorMessage } from '../../protocol/supervisor-protocol.ts';
import type { HeartbeatTarget } from '../session/heartbeat.ts';
import type { FeedSubscriber } from './supervisor-feed.ts';

export class FeedConnection implements FeedSubscriber, HeartbeatTarget {
  private unansweredPings = 0;
  /** Heartbeats start after the snapshot: the snapshot is always the first frame. */
  live = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly log: { info(details: object, message: string): void },
    private readonly now: () => number = Date.now,
  ) {
    socket.on('pong', () => (this.unansweredPings = 0));
  }

  send(message: SupervisorMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  heartbeat(): void {
    if (!this.live) return;
    if (this.unansweredPings >= 2) {
      this.log.info({}, 'supervisor feed missed two heartbeats; terminating');
      this.socket.terminate();
      return;
    }
    this.unansweredPings++;
    this.socket.ping();
    this.send({ type: 'supervisor.heartbeat', at: this.now() });
  }
}
