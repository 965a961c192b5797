// The browser telephony SDK: the only entry point the rest of the console imports.
export {
  connect,
  TelephonyClient,
  type ConnectOptions,
  type TelephonyClientEvents,
} from './client';
export {
  Call,
  type CallDirection,
  type CallLifecycleStatus,
  type TransferOptions,
} from './call/call';
export { createHoldAudio, type HoldAudio, type HoldAudioFactory } from './media/hold-audio';
export {
  Session,
  type DialOptions,
  type SelectablePresence,
  type GroupQueue,
  type NotReady,
  type SessionUser,
  type WrapUp,
} from './session/session';
export type {
  ConnectionState,
  WebSocketFactory,
  WebSocketLike,
} from './transport/socket-connection';
export type { TokenGrant } from './auth/token-refresher';
export type {
  CallMedia,
  CallMediaEvents,
  MediaCredentials,
  MediaEngine,
  MediaJoinRequest,
  MediaPreparation,
  MediaPrepareRequest,
} from './media/media-engine';
export { TelephonyError, errorReason, type TelephonyErrorReason } from './shared/errors';
export { TypedEmitter, fromEmitterEvent, type EventMap } from './shared/typed-emitter';
export type {
  AgentRef,
  CallStatus,
  CallView,
  EndReason,
  MediaOptions,
  Party,
  Presence,
  RequiredSkills,
  RingGroupRef,
  TransferMode,
  TransferState,
} from './protocol';
