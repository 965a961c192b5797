/**
 * Serializable media facts: what the LiveKit-facing code reports and the store keeps. No
 * LiveKit object, MediaStream or track ever appears here.
 */

export type MediaDeviceKindName = 'audioinput' | 'videoinput' | 'audiooutput';

export interface DeviceOption {
  kind: MediaDeviceKindName;
  deviceId: string;
  label: string;
}

export type MediaConnection = 'joining' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

/** One call's media in this tab. */
export interface CallMediaState {
  callId: string;
  connection: MediaConnection;
  /** The first track of the other side arrived: the call is `connected`. */
  remoteMediaArrived: boolean;
  /** This tab's microphone is muted (or not published). */
  microphoneMuted: boolean;
  /** This tab's camera is published and sending. */
  cameraOn: boolean;
  /** The other side's camera is arriving and not muted: show video, not the avatar. */
  remoteVideo: boolean;
  /** The other side muted (or never published) its microphone. */
  remoteMicrophoneMuted: boolean;
  /** Device in use per kind ('default' = the system's choice); null before any is known. */
  activeDevices: Record<MediaDeviceKindName, string | null>;
  /** Why joining or publishing failed, in words an agent can read. */
  error: string | null;
  /** Keypad digits (DTMF) this tab sent in the call, latest last (the last 32). */
  digitsSent: string;
  /** Keypad digits the other side sent (a phone's DTMF), latest last (the last 32). */
  digitsReceived: string;
}

export function initialCallMediaState(callId: string): CallMediaState {
  return {
    callId,
    connection: 'joining',
    remoteMediaArrived: false,
    microphoneMuted: false,
    cameraOn: false,
    remoteVideo: false,
    remoteMicrophoneMuted: true,
    activeDevices: { audioinput: null, videoinput: null, audiooutput: null },
    error: null,
    digitsSent: '',
    digitsReceived: '',
  };
}

/** The digits a keypad (DTMF, RFC 4733) sends: 0–9, * and #. */
export const KEYPAD_DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/** The RFC 4733 event code of a keypad digit (0–9 → 0–9, * → 10, # → 11); undefined otherwise. */
export function dtmfCode(digit: string): number | undefined {
  if (/^[0-9]$/.test(digit)) return Number(digit);
  if (digit === '*') return 10;
  if (digit === '#') return 11;
  return undefined;
}

/** Appends `digit` to a digit history, keeping the last 32. */
export const appendDigit = (digits: string, digit: string) => (digits + digit).slice(-32);

/** Inbound/outbound figures of one call, for tests and benchmarks (`window.__switchboardMedia`). */
export interface CallMediaStats {
  callId: string;
  connection: MediaConnection;
  inbound: {
    video: {
      framesDecoded: number;
      frameWidth: number;
      frameHeight: number;
      bytesReceived: number;
    };
    audio: { bytesReceived: number; packetsReceived: number };
  };
  outbound: { videoBytesSent: number; audioBytesSent: number };
  remoteVideoMuted: boolean;
  remoteMicrophoneMuted: boolean;
}

/**
 * The device to switch to when the one in use vanished (unplugged): the system default if there
 * is one, else the first of its kind. Null when the active device is still there, or unknown.
 */
export function fallbackDevice(
  activeDeviceId: string | null,
  available: readonly DeviceOption[],
): string | null {
  if (!activeDeviceId || available.length === 0) return null;
  if (available.some((device) => device.deviceId === activeDeviceId)) return null;
  return (
    available.find((device) => device.deviceId === 'default')?.deviceId ?? available[0].deviceId
  );
}
