import { TrackInfo, TrackType, type AddTrackRequest } from '@livekit/protocol';
import type { RTCRtpTransceiver } from 'werift';
import { newSid } from './ids.ts';
import type { MediaLogger } from './logger.ts';
import { RtpForwarder } from './rtp-forwarder.ts';
import { isSending, type MediaSection } from './sdp.ts';

export interface PublishedTrack {
  info: TrackInfo;
  publisherSid: string;
  forwarder: RtpForwarder;
}

export interface PublicationEvents {
  published(track: PublishedTrack): void;
  unpublished(track: PublishedTrack): void;
}

/**
 * One participant's tracks, from AddTrack to unpublish. A track is pending after AddTrack,
 * published once an m-section of the client's offer sends it (matched by msid = cid), and
 * unpublished when that section stops sending: the protocol has no unpublish message.
 */
export class TrackPublications {
  private readonly published = new Map<string, PublishedTrack>();
  private readonly pendingByCid = new Map<string, TrackInfo>();
  private readonly trackSidByMid = new Map<string, string>();

  constructor(
    private readonly publisherSid: string,
    private readonly events: PublicationEvents,
    private readonly logger: MediaLogger,
  ) {}

  get list(): PublishedTrack[] {
    return [...this.published.values()];
  }

  find(trackSid: string): PublishedTrack | undefined {
    return this.published.get(trackSid);
  }

  /** The TrackInfo answered to an AddTrack; it echoes what livekit-client reads back (source!). */
  addPending(request: AddTrackRequest): TrackInfo | undefined {
    if (this.pendingByCid.has(request.cid)) return undefined;
    const info = new TrackInfo({
      sid: newSid('TR_'),
      type: request.type,
      name: request.name,
      muted: request.muted,
      width: request.width,
      height: request.height,
      simulcast: request.layers.length > 1,
      disableDtx: request.disableDtx,
      source: request.source,
      layers: request.layers,
      stereo: request.stereo,
      disableRed: request.disableRed,
      encryption: request.encryption,
      stream: request.stream,
      audioFeatures: request.audioFeatures,
      backupCodecPolicy: request.backupCodecPolicy,
    });
    this.pendingByCid.set(request.cid, info);
    return info;
  }

  /** A published or still pending track's info, for mute. */
  info(trackSid: string): TrackInfo | undefined {
    return (
      this.published.get(trackSid)?.info ??
      [...this.pendingByCid.values()].find((info) => info.sid === trackSid)
    );
  }

  /** Follows the m-sections of a client offer that has just been applied. */
  reconcile(
    sections: MediaSection[],
    transceiverByMid: (mid: string) => RTCRtpTransceiver | undefined,
  ): void {
    for (const section of sections) {
      if (section.kind !== 'audio' && section.kind !== 'video') continue;
      const boundSid = this.trackSidByMid.get(section.mid);
      if (!isSending(section)) {
        if (boundSid) this.unpublish(boundSid);
        continue;
      }
      const kind = section.kind === 'audio' ? TrackType.AUDIO : TrackType.VIDEO;
      const pendingForMsid = this.pendingByCid.get(section.msidTrackId!);
      if (pendingForMsid && pendingForMsid.type !== kind) {
        // Declared as one kind (and allowed for that source), sent as another: never published.
        this.logger.warn(
          { mid: section.mid, declared: pendingForMsid.type, sent: section.kind },
          'a media section does not carry the kind of track it was declared as; ignored',
        );
        continue;
      }
      if (boundSid && !pendingForMsid) continue; // still the same track (replaceTrack keeps the msid)
      if (boundSid) this.unpublish(boundSid); // the section now carries a new publication
      const cid = pendingForMsid
        ? section.msidTrackId!
        : [...this.pendingByCid].find(([, info]) => info.type === kind)?.[0];
      const transceiver = transceiverByMid(section.mid);
      if (cid === undefined || !transceiver) {
        this.logger.warn({ mid: section.mid }, 'media section without a matching AddTrack');
        continue;
      }
      this.bind(section.mid, cid, transceiver);
    }
  }

  unpublish(trackSid: string): void {
    const track = this.published.get(trackSid);
    if (!track) return;
    this.published.delete(trackSid);
    this.trackSidByMid.delete(track.info.mid);
    track.forwarder.close();
    this.events.unpublished(track);
  }

  unpublishAll(): void {
    for (const trackSid of [...this.published.keys()]) this.unpublish(trackSid);
    this.pendingByCid.clear();
  }

  private bind(mid: string, cid: string, transceiver: RTCRtpTransceiver): void {
    const info = this.pendingByCid.get(cid)!;
    const receiver = transceiver.receiver;
    if (receiver.tracks.length === 0) {
      this.logger.warn({ mid }, 'published section has no SSRC; its media cannot be routed');
    }
    this.pendingByCid.delete(cid);
    info.mid = mid;
    info.mimeType = (transceiver.codecs[0]?.mimeType ?? '').toLowerCase();
    const track: PublishedTrack = {
      info,
      publisherSid: this.publisherSid,
      forwarder: new RtpForwarder(receiver, receiver.track, this.logger),
    };
    this.published.set(info.sid, track);
    this.trackSidByMid.set(mid, info.sid);
    this.events.published(track);
  }
}
