/**
 * A supervisor feed client for tests and the benchmark: a real `ws` WebSocket that applies the
 * snapshot and change frames to plain maps, the way the console's store does, and lets a test
 * wait until that state satisfies a condition — no fixed sleeps.
 */
import WebSocket from 'ws';
import type {
  SupervisorAgent,
  SupervisorCall,
  SupervisorGroup,
  SupervisorMessage,
} from '../../../protocol/supervisor-protocol.ts';
import { ConditionWaiters } from '../../test/condition-waiters.ts';

export const feedUrl = (baseUrl: string, token: string) =>
  `${baseUrl.replace(/^http/, 'ws')}/api/supervisor/feed?token=${encodeURIComponent(token)}`;

export class FeedClient {
  /** Snapshot and change frames, in order; heartbeats are only counted. */
  readonly frames: SupervisorMessage[] = [];
  heartbeats = 0;
  readonly calls = new Map<string, SupervisorCall>();
  readonly agents = new Map<string, SupervisorAgent>();
  groups: SupervisorGroup[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new ConditionWaiters(
    () => `calls ${JSON.stringify([...this.calls.values()])}`,
  );

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.apply(JSON.parse(data.toString()) as SupervisorMessage));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    socket.on('error', () => this.notify());
  }

  /** Connects and resolves once the snapshot arrived (or the server closed the socket). */
  static async connect(url: string): Promise<FeedClient> {
    const client = new FeedClient(new WebSocket(url));
    await client.waitUntil(() => client.frames.length > 0 || client.closed, 'snapshot or close');
    return client;
  }

  group(name: string): SupervisorGroup | undefined {
    return this.groups.find((group) => group.name === name);
  }

  /** Resolves with the first truthy value of `condition`, re-checked on every frame. */
  waitUntil<T>(
    condition: () => T | undefined | null | false,
    description: string,
    timeoutMs = 5000,
  ): Promise<T> {
    return this.waiters.waitUntil(condition, description, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.close();
    await this.waitUntil(() => this.closed, 'close');
  }

  private apply(frame: SupervisorMessage): void {
    if (frame.type === 'supervisor.heartbeat') {
      this.heartbeats++;
      this.notify();
      return;
    }
    this.frames.push(frame);
    if (frame.type === 'supervisor.snapshot') {
      this.calls.clear();
      this.agents.clear();
      for (const call of frame.calls) this.calls.set(call.id, call);
      for (const agent of frame.agents) this.agents.set(agent.id, agent);
      this.groups = frame.groups;
    } else if (frame.type === 'supervisor.changes') {
      for (const call of frame.calls.upsert) this.calls.set(call.id, call);
      for (const id of frame.calls.remove) this.calls.delete(id);
      for (const agent of frame.agents.upsert) this.agents.set(agent.id, agent);
      for (const id of frame.agents.remove) this.agents.delete(id);
      if (frame.groups.length > 0) this.groups = frame.groups;
    }
    this.notify();
  }

  private notify(): void {
    this.waiters.notify();
  }
}
