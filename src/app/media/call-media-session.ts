import type {
  CallMediaEvents,
  MediaJoinRequest,
  MediaPrepareRequest,
  TypedEmitter,
} from '@switchboard/telephony';
import type {
  CallMediaState,
  CallMediaStats,
  DeviceOption,
  MediaDeviceKindName,
} from './media-state';
import type { PreferredDevices } from './device-preferences';

export type CallMediaSessionEvents = CallMediaEvents & {
  /** Every change of the call's serializable media state. */
  stateChanged: CallMediaState;
  /** The devices this browser offers (after a `devicechange`, too). */
  devicesChanged: DeviceOption[];
};

/**
 * One call's media as the console drives it: what the SDK needs (a `CallMedia`: its stream
 * events and `leave()`) plus the agent's controls. The LiveKit implementation is loaded lazily; tests provide fakes.
 */
export interface CallMediaSession extends Pick<TypedEmitter<CallMediaSessionEvents>, 'on' | 'off'> {
  readonly callId: string;
  leave(): void;
  setMicrophoneEnabled(enabled: boolean): Promise<void>;
  setCameraEnabled(enabled: boolean): Promise<void>;
  switchDevice(kind: MediaDeviceKindName, deviceId: string): Promise<void>;
  stats(): Promise<CallMediaStats>;
  /** Sends one keypad digit (0–9, *, #) to the other side as DTMF (LiveKit's, RFC 4733 to a phone). */
  sendDtmf(digit: string): Promise<void>;
  /** Hold, agent side: mute the microphone and camera publications (remembering their state). */
  holdSending(): void;
  /** Restores the microphone and camera to what they were before `holdSending()`. */
  resumeSending(): void;
  /** Hold, caller side: unsubscribe from the other side's tracks. */
  holdReceiving(): void;
  resumeReceiving(): void;
}

/** Camera and microphone opened ahead of a join (opaque outside the LiveKit chunk). */
export interface CapturedMedia {
  /** Stops whatever was captured and not yet handed to a room. */
  stop(): void;
}

/** What the lazily loaded media chunk exports. */
export interface CallMediaModule {
  /** Opens the devices a call will publish (the head start of `MediaEngine.prepare`). */
  captureMedia(request: MediaPrepareRequest, devices?: PreferredDevices): CapturedMedia;
  /**
   * Joins a call's room, publishing `captured` when given, else capturing now (from `devices`,
   * the agent's remembered choice, when they are there).
   */
  createCallMedia(
    request: MediaJoinRequest,
    captured?: CapturedMedia,
    devices?: PreferredDevices,
  ): CallMediaSession;
}
