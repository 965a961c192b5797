/**
 * An event bus that can hold back one session's frames for a while and then deliver them, in
 * order, as if they had just been published. A tab's dial uses it: agents ring at once, but the
 * dialling tab learns its call's id (its first `outgoing_call`, its `call_media`) only once the
 * call's record is written, the promise the HTTP API keeps before its 201 (server/session
 * `session-commands.ts`).
 */
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import type { EventBus, SessionListener } from './event-bus.ts';

interface Held {
  /** Holds still open: two dials from one tab at once both have to finish. */
  count: number;
  frames: ServerMessage[];
}

export class HoldingEventBus implements EventBus {
  private readonly held = new Map<string, Held>();

  constructor(private readonly inner: EventBus) {}

  publish(sessionId: string, message: ServerMessage): void {
    const held = this.held.get(sessionId);
    if (held) held.frames.push(message);
    else this.inner.publish(sessionId, message);
  }

  subscribe(sessionId: string, listener: SessionListener): () => void {
    return this.inner.subscribe(sessionId, listener);
  }

  /**
   * From now on the session's frames wait; the returned function (call it exactly once) lets
   * them go once every hold on the session has been released.
   */
  hold(sessionId: string): () => void {
    let held = this.held.get(sessionId);
    if (!held) this.held.set(sessionId, (held = { count: 0, frames: [] }));
    held.count += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.count -= 1;
      if (held.count > 0) return;
      this.held.delete(sessionId);
      for (const frame of held.frames) this.inner.publish(sessionId, frame);
    };
  }
}
