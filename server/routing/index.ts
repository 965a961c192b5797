/**
 * Routing's public surface: what the gateway, the HTTP API, media, media scripts, records and
 * the supervisor feed may use. Everything else in server/routing is internal to it.
 */
export { CallRouter, type CallRouterDependencies, type PlaceCallRequest } from './call-router.ts';
export type {
  CallEvents,
  MediaAgent,
  RoutingChange,
  RoutingChangeListener,
} from './call-events.ts';
export type { CallEnder } from './call-ending.ts';
export type { EventBus, SessionListener } from './event-bus.ts';
export { frameText, withFrameText } from './event-bus.ts';
export type { HoldingEventBus } from './holding-event-bus.ts';
export type { SessionEndCause } from './sessions.ts';
export type { RingCandidate, RingStrategy } from './strategies/ring-strategy.ts';
export type {
  AgentState,
  CallPhase,
  CallTarget,
  EndedBy,
  EndedByKind,
  LegOutcome,
  LiveCall,
  LiveLeg,
  LiveSession,
} from './state/live-state.ts';
export { holdMsOf, wasAnswered } from './state/live-state.ts';
export type { LiveSnapshot, LiveStoreReader } from './state/live-store.ts';
export type { RoutingLog, TransitionListener } from './state/routing-state.ts';
export type { RoutingTransition, TransitionType, DeadlineRef } from './state/transitions.ts';
export { callRecordStatus } from './call-views.ts';
export { skillMatch } from './ringing.ts';
export { PHONE_RING_TIMEOUT_SECONDS } from './dialing.ts';
