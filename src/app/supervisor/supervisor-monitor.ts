/**
 * Joining a call as a supervisor: silent monitoring (a subscribe-only, hidden token), whisper
 * and barge (a token that may publish a microphone). Plays what the parties publish. A whisper
 * uses LiveKit's own mechanism, so it works the same on a real LiveKit: before publishing, the
 * supervisor allows only the agent's identity to subscribe to its tracks.
 * The Room lives here, never in the store (which only knows the call, the mode and whether the
 * join worked). livekit-client is imported on first use, so it stays out of the supervisor
 * page's bundle until someone monitors.
 */
import { Injectable, signal } from '@angular/core';
import type { Room } from 'livekit-client';
import type { MonitorCredentials, MonitorMode } from '../../../protocol/supervisor-protocol';
import { exposeDebugHook } from '../shared/debug-hooks';

export interface MonitoredTrack {
  id: string;
  kind: 'audio' | 'video';
  participant: string;
  stream: MediaStream;
}

/** What `window.__switchboardSupervisor` offers tests and benchmarks (read-only figures). */
export interface SupervisorMonitorDebugHook {
  stats(): Promise<SupervisorMonitorStats>;
}

export interface SupervisorMonitorStats {
  connected: boolean;
  /** Identities of the call's parties this room shows. */
  remoteParticipants: string[];
  inboundAudioBytes: number;
  outboundAudioBytes: number;
}

@Injectable({ providedIn: 'root' })
export class SupervisorMonitor {
  private room: Room | null = null;
  /** The call the room belongs to and how it was joined. */
  private joined: { callId: string; mode: MonitorMode } | null = null;
  private readonly tracksSignal = signal<MonitoredTrack[]>([]);
  /** What the monitored parties publish right now. */
  readonly tracks = this.tracksSignal.asReadonly();

  constructor() {
    const hook: SupervisorMonitorDebugHook = { stats: () => this.stats() };
    exposeDebugHook('__switchboardSupervisor', hook);
  }

  /** Inbound and outbound audio bytes of the room joined, summed (for e2e tests). */
  async stats(): Promise<SupervisorMonitorStats> {
    const room = this.room;
    const result: SupervisorMonitorStats = {
      connected: room?.state === 'connected',
      remoteParticipants: [...(room?.remoteParticipants.values() ?? [])].map((p) => p.identity),
      inboundAudioBytes: 0,
      outboundAudioBytes: 0,
    };
    if (!room) return result;
    const tracks = [
      ...[...room.remoteParticipants.values()].flatMap((p) => [...p.trackPublications.values()]),
      ...room.localParticipant.trackPublications.values(),
    ].flatMap((publication) => (publication.track ? [publication.track] : []));
    for (const report of await Promise.all(tracks.map((track) => track.getRTCStatsReport()))) {
      report?.forEach(
        (stat: { type?: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
          if (stat.kind !== 'audio') return;
          if (stat.type === 'inbound-rtp') result.inboundAudioBytes += stat.bytesReceived ?? 0;
          if (stat.type === 'outbound-rtp') result.outboundAudioBytes += stat.bytesSent ?? 0;
        },
      );
    }
    return result;
  }

  /**
   * Joins the room of `callId`; `ended` is called if the room goes away without `leave()`.
   * Between whisper and barge in the same call only the track permissions change: the parties
   * see no leave and rejoin, and a barge turned whisper stops reaching the caller at once.
   */
  async join(credentials: MonitorCredentials, ended: () => void, callId: string): Promise<void> {
    const room = this.room;
    const speaking = (mode: MonitorMode) => mode !== 'monitor';
    if (
      room &&
      this.joined?.callId === callId &&
      speaking(this.joined.mode) &&
      speaking(credentials.mode)
    ) {
      this.setAudience(room, credentials);
      this.joined = { callId, mode: credentials.mode };
      return;
    }
    await this.leave();
    this.joined = { callId, mode: credentials.mode };
    await this.connect(credentials, ended);
  }

  private async connect(credentials: MonitorCredentials, ended: () => void): Promise<void> {
    const { Room, RoomEvent } = await import('livekit-client');
    // The options the media server README recommends; equally valid on a real LiveKit.
    const room = new Room({
      singlePeerConnection: false,
      adaptiveStream: false,
      dynacast: false,
      publishDefaults: { simulcast: false, red: false },
    });
    this.room = room;
    const refresh = () => this.tracksSignal.set(this.collectTracks(room));
    room.on(RoomEvent.TrackSubscribed, refresh);
    room.on(RoomEvent.TrackUnsubscribed, refresh);
    // A camera turned off is muted, not gone: its tile must show the name, not a frozen frame.
    room.on(RoomEvent.TrackMuted, refresh);
    room.on(RoomEvent.TrackUnmuted, refresh);
    room.on(RoomEvent.Disconnected, () => {
      if (this.room !== room) return;
      this.room = null;
      this.tracksSignal.set([]);
      ended();
    });
    try {
      await room.connect(credentials.url, credentials.token, { autoSubscribe: true });
      // Before the microphone is published, so not one packet of a whisper reaches the caller.
      if (credentials.mode !== 'monitor') {
        this.setAudience(room, credentials);
        await room.localParticipant.setMicrophoneEnabled(true);
      }
    } catch (error) {
      // A half-joined room (say, no microphone) must not keep listening or speaking.
      if (this.room === room) await this.leave();
      throw error;
    }
    refresh();
  }

  /** Whisper: only the agent may subscribe to what this tab publishes. Barge: everyone. */
  private setAudience(room: Room, credentials: MonitorCredentials): void {
    if (credentials.mode === 'whisper') {
      if (!credentials.agentIdentity) throw new Error('the call has no agent to whisper to');
      room.localParticipant.setTrackSubscriptionPermissions(false, [
        { participantIdentity: credentials.agentIdentity, allowAll: true },
      ]);
    } else {
      room.localParticipant.setTrackSubscriptionPermissions(true);
    }
  }

  async leave(): Promise<void> {
    const room = this.room;
    this.room = null;
    this.joined = null;
    this.tracksSignal.set([]);
    await room?.disconnect();
  }

  private collectTracks(room: Room): MonitoredTrack[] {
    const tracks: MonitoredTrack[] = [];
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        const track = publication.track;
        if (!track || (track.kind !== 'audio' && track.kind !== 'video')) continue;
        if (track.kind === 'video' && publication.isMuted) continue;
        tracks.push({
          id: publication.trackSid,
          kind: track.kind,
          participant: participant.name || participant.identity,
          stream: new MediaStream([track.mediaStreamTrack]),
        });
      }
    }
    return tracks;
  }
}
