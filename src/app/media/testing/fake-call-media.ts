import { TypedEmitter, type MediaJoinRequest } from '@switchboard/telephony';
import type {
  CallMediaSession,
  CallMediaSessionEvents,
  CapturedMedia,
} from '../call-media-session';
import {
  initialCallMediaState,
  type CallMediaState,
  type CallMediaStats,
  type DeviceOption,
} from '../media-state';

/** A call's media session for unit tests: records the controls, lets the test report states. */
export class FakeCallMediaSession
  extends TypedEmitter<CallMediaSessionEvents>
  implements CallMediaSession
{
  readonly callId: string;
  left = false;
  readonly controls: string[] = [];

  constructor(
    readonly request: MediaJoinRequest,
    /** What `prepare()` opened ahead of the join, if anything. */
    readonly captured?: CapturedMedia,
  ) {
    super();
    this.callId = request.callId;
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.controls.push(`microphone:${enabled}`);
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    this.controls.push(`camera:${enabled}`);
  }

  async switchDevice(kind: string, deviceId: string): Promise<void> {
    this.controls.push(`${kind}:${deviceId}`);
  }

  async sendDtmf(digit: string): Promise<void> {
    this.controls.push(`dtmf:${digit}`);
  }

  holdSending(): void {
    this.controls.push('hold-sending');
  }

  resumeSending(): void {
    this.controls.push('resume-sending');
  }

  holdReceiving(): void {
    this.controls.push('hold-receiving');
  }

  resumeReceiving(): void {
    this.controls.push('resume-receiving');
  }

  async stats(): Promise<CallMediaStats> {
    return {
      callId: this.callId,
      connection: 'connected',
      inbound: {
        video: { framesDecoded: 30, frameWidth: 640, frameHeight: 360, bytesReceived: 1_000 },
        audio: { bytesReceived: 500, packetsReceived: 10 },
      },
      outbound: { videoBytesSent: 0, audioBytesSent: 0 },
      remoteVideoMuted: false,
      remoteMicrophoneMuted: false,
    };
  }

  leave(): void {
    this.left = true;
    this.report({ connection: 'disconnected' });
  }

  report(changes: Partial<CallMediaState>): void {
    this.emit('stateChanged', { ...initialCallMediaState(this.callId), ...changes });
  }

  reportRemoteStream(stream: MediaStream | null): void {
    this.emit('remoteStreamChanged', stream);
  }

  reportDevices(devices: DeviceOption[]): void {
    this.emit('devicesChanged', devices);
  }
}

export function joinRequest(
  callId = 'call-1',
  overrides: Partial<MediaJoinRequest> = {},
): MediaJoinRequest {
  return {
    callId,
    url: 'ws://media.test',
    room: `t_demo_call_${callId}`,
    token: 'livekit-token',
    identity: 'agent:ada:s1',
    audio: true,
    video: true,
    ...overrides,
  };
}
