/**
 * One admin page's changes socket. It heartbeats both ways like the supervisor feed: a WebSocket
 * ping the browser answers by itself (two unanswered and the socket is terminated, so a vanished
 * tab stops costing frames), and an `admin.heartbeat` frame the page can see (after three silent
 * beats it reconnects and re-reads its lists).
 */
import type { WebSocket } from 'ws';
import type { AdminMessage, AdminSection } from '../../protocol/admin-protocol.ts';
import type { HeartbeatTarget } from '../session/heartbeat.ts';

export class AdminFeedConnection implements HeartbeatTarget {
  private unansweredPings = 0;

  constructor(
    private readonly socket: WebSocket,
    readonly tenantId: string,
    readonly userId: string,
    private readonly intervalSeconds: number,
    private readonly log: { info(details: object, message: string): void },
  ) {
    socket.on('pong', () => (this.unansweredPings = 0));
  }

  changed(sections: AdminSection[]): void {
    this.send({ type: 'admin.changed', sections });
  }

  heartbeat(): void {
    if (this.unansweredPings >= 2) {
      this.log.info({}, 'admin changes socket missed two heartbeats; terminating');
      this.socket.terminate();
      return;
    }
    this.unansweredPings++;
    this.socket.ping();
    this.sayAlive();
  }

  /** Also the first frame: the page learns the interval and that it is live. */
  sayAlive(): void {
    this.send({ type: 'admin.heartbeat', intervalSeconds: this.intervalSeconds });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private send(message: AdminMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
