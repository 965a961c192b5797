/**
 * Fan-out of server → client frames to sessions. The router publishes to a session id; the
 * gateway holding that session's socket subscribed to it. In one process this is a map of
 * listeners; across nodes a Redis pub/sub channel per node carries the same messages, which
 * is why they are plain serializable protocol frames.
 */
import type { ServerMessage } from '../../protocol/session-protocol.ts';

export type SessionListener = (message: ServerMessage) => void;

/** Each published frame's JSON, once worked out: frames are never changed after publishing. */
const frameTexts = new WeakMap<ServerMessage, string>();

/**
 * The frame as the socket sends it, serialised once however many sockets send it (a presence
 * frame goes to every tab of the agent) and not at all when its publisher attached the text.
 */
export function frameText(message: ServerMessage): string {
  let text = frameTexts.get(message);
  if (text === undefined) frameTexts.set(message, (text = JSON.stringify(message)));
  return text;
}

/**
 * A frame published with its JSON already made (`text` must be exactly
 * `JSON.stringify(message)`): a publisher that serialised it anyway, to compare it with what
 * the tab was sent last (the queue feed), spares the socket a second serialisation.
 */
export function withFrameText<M extends ServerMessage>(message: M, text: string): M {
  frameTexts.set(message, text);
  return message;
}

export interface EventBus {
  publish(sessionId: string, message: ServerMessage): void;
  /** Returns the function that unsubscribes. */
  subscribe(sessionId: string, listener: SessionListener): () => void;
}

export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<SessionListener>>();

  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) => console.error(error),
  ) {}

  publish(sessionId: string, message: ServerMessage): void {
    const listeners = this.listeners.get(sessionId);
    if (!listeners) return;
    for (const listener of listeners) {
      // One broken socket must not stop the frame reaching the others, nor undo the routing
      // decision that produced it; the failure is reported, not swallowed.
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
      // Only the set this listener joined: a second call must not drop the listeners of a newer
      // socket of the same session (a tab that resumed while its old socket was still open).
      if (listeners.size === 0 && this.listeners.get(sessionId) === listeners)
        this.listeners.delete(sessionId);
    };
  }
}
