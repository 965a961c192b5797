import { Observable } from 'rxjs';

/** Maps event names to the payload their listeners receive. */
export type EventMap = Record<string, unknown>;
type Listener<T> = (payload: T) => void;

/**
 * The SDK's managers report through typed events, so each can be built and tested on its own
 * and wired to the others by whoever owns them.
 */
export class TypedEmitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as Listener<Events[K]>)(payload);
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}

/** An Observable that listens on subscribe and stops listening on teardown. */
export function fromEmitterEvent<Events extends EventMap, K extends keyof Events>(
  emitter: TypedEmitter<Events>,
  event: K,
): Observable<Events[K]> {
  return new Observable<Events[K]>((subscriber) =>
    emitter.on(event, (payload) => subscriber.next(payload)),
  );
}
