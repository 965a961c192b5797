/**
 * Stamps each agent's after-call work on its wrap-up row: routing's `wrapUpStarted` and
 * `wrapUpEnded` transitions (server/routing/after-call-work.ts) become `started_at`/`ended_at`.
 * Written behind routing, one at a time in order, after the call's own record (the row refers
 * to it): routing never waits for the database.
 */
import type { TransitionListener } from '../routing/index.ts';
import type { WrapUpRepository } from './wrap-up-repository.ts';

export interface WrapUpStampsLog {
  error(details: object, message: string): void;
}

export class WrapUpStamps {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly wrapUps: WrapUpRepository,
    /** Resolves once the call records handed over so far are written. */
    private readonly recordsWritten: () => Promise<void>,
    private readonly log: WrapUpStampsLog,
  ) {}

  /** Follows routing from now on; returns the function that stops it. */
  follow(routing: { observeTransitions(listener: TransitionListener): () => void }): () => void {
    return routing.observeTransitions((transitions) => {
      for (const transition of transitions) {
        if (transition.type === 'wrapUpStarted') {
          const { tenantId, callId, userId, at } = transition;
          this.write(() => this.wrapUps.wrapUpStarted(tenantId, callId, userId, at), transition);
        } else if (transition.type === 'wrapUpEnded') {
          const { tenantId, callId, userId, at } = transition;
          this.write(() => this.wrapUps.wrapUpEnded(tenantId, callId, userId, at), transition);
        }
      }
    });
  }

  /** Resolves once every stamp handed over so far is written (or logged as failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  private write(stamp: () => Promise<void>, transition: object): void {
    this.chain = this.chain
      .then(() => this.recordsWritten())
      .then(stamp)
      .catch((error: unknown) =>
        this.log.error({ err: error, transition }, 'could not stamp after-call work'),
      );
  }
}
