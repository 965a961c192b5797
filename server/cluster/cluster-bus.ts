/**
 * The event bus of a cluster node (routing/event-bus.ts, across processes). A frame for a
 * session whose socket this node holds is delivered here at once; a frame for a session held by
 * another node is published on that node's push channel, whose subscriber delivers it there.
 * Frames to one session always take the same path, so they keep their order (one Redis
 * connection publishes them all, and pub/sub keeps a publisher's order).
 */
import type { Redis } from 'ioredis';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import type { EventBus, SessionListener } from '../routing/index.ts';
import type { RedisKeys } from './redis-keys.ts';

/** What travels on a node's push channel. */
export interface PushEnvelope {
  s: string;
  m: ServerMessage;
}

export class ClusterBus implements EventBus {
  private readonly listeners = new Map<string, Set<SessionListener>>();

  constructor(
    private readonly publisher: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    /** The node holding the session's socket, as its tenant's owner knows it. */
    private readonly nodeOf: (sessionId: string) => string | undefined,
    private readonly onListenerError: (error: unknown) => void,
  ) {}

  publish(sessionId: string, message: ServerMessage): void {
    // The owner's binding wins over a local listener: a socket here that only asked to resume
    // the session (and has not been given it) must not receive its frames.
    const node = this.nodeOf(sessionId);
    if (!node || node === this.nodeId) return this.deliver(sessionId, message);
    const envelope: PushEnvelope = { s: sessionId, m: message };
    this.publisher
      .publish(this.keys.pushChannel(node), JSON.stringify(envelope))
      .catch(this.onListenerError);
  }

  /** A frame that came in on this node's push channel. */
  deliver(sessionId: string, message: ServerMessage): void {
    const listeners = this.listeners.get(sessionId);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(message);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe(sessionId: string, listener: SessionListener): () => void {
    let listeners = this.listeners.get(sessionId);
    if (!listeners) this.listeners.set(sessionId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.listeners.delete(sessionId);
    };
  }
}
