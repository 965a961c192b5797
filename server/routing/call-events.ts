/**
 * How parts outside routing follow it. Each routing step's transitions (state/transitions.ts)
 * are the source; these adapters turn them into what each observer needs:
 *   - `CallEvents`: call milestones for media, media scripts and the supervisor's figures;
 *   - `RoutingChange`: which tenants a step touched, for the supervisor feed's recompute.
 * Observers run after the step's frames went out, with the live call as it is then; they must
 * only read it, and a throw is logged, never undoes the step.
 */
import type { LiveCall } from './state/live-state.ts';
import type { RoutingLog, TransitionListener } from './state/routing-state.ts';
import type { AgentOnCall, RoutingTransition } from './state/transitions.ts';

/** Call milestones for a part outside routing (media); slow work goes async. */
export interface CallEvents {
  /** A call was just created, before it rings anyone (media lets a dialing tab join early). */
  callPlaced?(call: LiveCall): void;
  callAnswered(call: LiveCall): void;
  /** The phone an agent dialed answered (the dialing tab has been in the room since the dial). */
  phoneAnswered?(call: LiveCall): void;
  /** Every call that ends, answered or not. */
  callEnded(call: LiveCall): void;
  /**
   * A call that already has media changed agents (a transfer, or a return from the queue): `from`
   * leaves the call's room, `to` (the new `answeredBy`) joins the same room. Either may be null
   * (a blind transfer leaves first; its destination joins later).
   */
  callTransferred?(call: LiveCall, from: MediaAgent | null, to: MediaAgent | null): void;
  /** A tab came back to its session (a reload, a reconnect); media sends it fresh credentials. */
  sessionResumed?(sessionId: string): void;
}

/** An agent's tab as media knows it. */
export interface MediaAgent {
  userId: string;
  sessionId: string;
  name: string;
}

/** What one routing step touched, for observers outside routing (the supervisor feed). */
export interface RoutingChange {
  tenantIds: ReadonlySet<string>;
  /** Agents whose presence changed in the step. */
  presenceChanged: readonly { tenantId: string; userId: string }[];
}
export type RoutingChangeListener = (change: RoutingChange) => void;

const mediaAgent = (agent: AgentOnCall): MediaAgent => ({
  userId: agent.id,
  sessionId: agent.sessionId,
  name: agent.name,
});

/** Tells `events` about the milestones among a step's transitions, in order. */
export function callEventsObserver(events: CallEvents, log: RoutingLog): TransitionListener {
  const tell = (name: keyof CallEvents, call: LiveCall, notify: () => void) => {
    try {
      notify();
    } catch (error) {
      log.error({ err: error, callId: call.id }, `${name} observer failed`);
    }
  };
  return (transitions, read) => {
    for (const transition of transitions) {
      if (transition.type === 'sessionResumed') {
        try {
          events.sessionResumed?.(transition.sessionId);
        } catch (error) {
          log.error(
            { err: error, sessionId: transition.sessionId },
            'sessionResumed observer failed',
          );
        }
        continue;
      }
      const callId = milestoneCallId(transition);
      const call = callId === null ? undefined : read.call(callId);
      if (!call) continue;
      switch (transition.type) {
        case 'callPlaced':
          tell('callPlaced', call, () => events.callPlaced?.(call));
          break;
        case 'answered':
          if (transition.handedOver)
            tell('callTransferred', call, () =>
              events.callTransferred?.(call, null, mediaAgent(transition.agent)),
            );
          else tell('callAnswered', call, () => events.callAnswered(call));
          break;
        case 'phoneAnswered':
          tell('phoneAnswered', call, () => events.phoneAnswered?.(call));
          break;
        case 'handedOff':
          tell('callTransferred', call, () =>
            events.callTransferred?.(call, mediaAgent(transition.from), null),
          );
          break;
        case 'callEnded':
          tell('callEnded', call, () => events.callEnded(call));
          break;
      }
    }
  };
}

function milestoneCallId(transition: RoutingTransition): string | null {
  switch (transition.type) {
    case 'callPlaced':
      return transition.call.id;
    case 'answered':
    case 'phoneAnswered':
    case 'handedOff':
    case 'callEnded':
      return transition.callId;
    default:
      return null;
  }
}

/** Sums a step's transitions up as the tenants it touched (deadline bookkeeping aside). */
export function routingChangeObserver(listener: RoutingChangeListener): TransitionListener {
  return (transitions) => {
    const tenantIds = new Set<string>();
    const presenceChanged: { tenantId: string; userId: string }[] = [];
    for (const transition of transitions) {
      if (transition.type === 'deadlineSet' || transition.type === 'deadlineCleared') continue;
      tenantIds.add(transition.tenantId);
      if (transition.type === 'presenceChanged')
        presenceChanged.push({ tenantId: transition.tenantId, userId: transition.userId });
    }
    if (tenantIds.size > 0) listener({ tenantIds, presenceChanged });
  };
}
