/**
 * Silent monitoring: joins a call's LiveKit room with a subscribe-only, hidden token and plays
 * what the parties publish. The Room lives here, never in the store (which only knows the call
 * being monitored and whether the join worked). livekit-client is imported on first use, so it
 * stays out of the supervisor page's bundle until someone monitors.
 */
import { Injectable, signal } from '@angular/core';
import type { Room } from 'livekit-client';
import type { MonitorCredentials } from '../../../protocol/supervisor-protocol';

export interface MonitoredTrack {
  id: string;
  kind: 'audio' | 'video';
  participant: string;
  stream: MediaStream;
}

@Injectable({ providedIn: 'root' })
export class SupervisorMonitor {
  private room: Room | null = null;
  private readonly tracksSignal = signal<MonitoredTrack[]>([]);
  /** What the monitored parties publish right now. */
  readonly tracks = this.tracksSignal.asReadonly();

  /** Joins the room; `ended` is called if the room goes away without `leave()`. */
  async join(credentials: MonitorCredentials, ended: () => void): Promise<void> {
    await this.leave();
    const { Room, RoomEvent } = await import('livekit-client');
    const room = new Room({ adaptiveStream: true });
    this.room = room;
    const refresh = () => this.tracksSignal.set(this.collectTracks(room));
    room.on(RoomEvent.TrackSubscribed, refresh);
    room.on(RoomEvent.TrackUnsubscribed, refresh);
    room.on(RoomEvent.Disconnected, () => {
      if (this.room !== room) return;
      this.room = null;
      this.tracksSignal.set([]);
      ended();
    });
    await room.connect(credentials.url, credentials.token, { autoSubscribe: true });
    refresh();
  }

  async leave(): Promise<void> {
    const room = this.room;
    this.room = null;
    this.tracksSignal.set([]);
    await room?.disconnect();
  }

  private collectTracks(room: Room): MonitoredTrack[] {
    const tracks: MonitoredTrack[] = [];
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        const track = publication.track;
        if (!track || (track.kind !== 'audio' && track.kind !== 'video')) continue;
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
