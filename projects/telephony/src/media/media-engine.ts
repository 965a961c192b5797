import type { ServerMessage } from '../protocol';
import type { TypedEmitter } from '../shared/typed-emitter';

/** The `call_media` frame: where and how this tab joins a call's media room. */
export type MediaCredentials = Omit<Extract<ServerMessage, { type: 'call_media' }>, 'type'>;

/** What a Call asks its media engine for: the room, and what to publish into it. */
export interface MediaJoinRequest extends MediaCredentials {
  audio: boolean;
  video: boolean;
}

export type CallMediaEvents = {
  /** This tab's microphone/camera as one stream; null before publishing and after leaving. */
  localStreamChanged: MediaStream | null;
  /** The other side's tracks as one stream; null until the first arrives and after leaving. */
  remoteStreamChanged: MediaStream | null;
};

/**
 * One call's media, as handed out by a MediaEngine: it starts joining at once, reports its
 * streams through events, and `leave()` (safe at any time, even mid-join) tears it down.
 */
export interface CallMedia extends Pick<TypedEmitter<CallMediaEvents>, 'on' | 'off'> {
  leave(): void;
  /**
   * Hold, agent side: stop sending (mute the microphone and camera publications), remembering
   * what was muted before. Optional: an engine without it keeps sending while held.
   */
  holdSending?(): void;
  /** Resume, agent side: restore the microphone and camera to what they were before the hold. */
  resumeSending?(): void;
  /** Hold, caller side: stop receiving the other side's tracks (unsubscribe). */
  holdReceiving?(): void;
  /** Resume, caller side: subscribe to the other side's tracks again. */
  resumeReceiving?(): void;
}

/** What a call will publish, known before its room is. */
export type MediaPrepareRequest = Pick<MediaJoinRequest, 'callId' | 'audio' | 'video'>;

/** Work started ahead of a join; `cancel()` releases it when the join never comes. */
export interface MediaPreparation {
  cancel(): void;
}

/**
 * The SDK's seam to a media stack. The console plugs in its LiveKit engine; without one
 * (`ConnectOptions.media` unset) calls carry no media and keep the server's statuses as they are.
 */
export interface MediaEngine {
  /**
   * Optional head start: the call was answered here (or the call dialed here was answered), so
   * its room credentials are on their way. An engine may open the camera and microphone now;
   * `join()` for the same call takes over whatever was prepared.
   */
  prepare?(request: MediaPrepareRequest): MediaPreparation;
  join(request: MediaJoinRequest): CallMedia;
}
