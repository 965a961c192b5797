import { BehaviorSubject, type Observable } from 'rxjs';
import type {
  AgentRef,
  CallStatus,
  CallView,
  EndReason,
  MediaOptions,
  Party,
  RequiredSkills,
  RingGroupRef,
  TransferMode,
  TransferState,
} from '../protocol';
import type {
  CallMedia,
  MediaCredentials,
  MediaEngine,
  MediaPreparation,
} from '../media/media-engine';
import type { HoldAudio, HoldAudioFactory } from '../media/hold-audio';

/** The server's statuses plus the SDK's last word: the call has left the session for good. */
export type CallLifecycleStatus = CallStatus | 'destroyed';
export type CallDirection = CallView['direction'];

/** What a Call needs from its session to act; the session implements it over the socket. */
export interface CallCommands {
  accept(callId: string, media: Required<MediaOptions>): Promise<void>;
  reject(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  transfer(callId: string, to: string, mode: TransferMode, skills?: RequiredSkills): Promise<void>;
  completeTransfer(callId: string): Promise<void>;
  cancelTransfer(callId: string): Promise<void>;
  hold(callId: string): Promise<void>;
  resume(callId: string): Promise<void>;
  /** The call's status changed on this side (remote media arrived), not through a server view. */
  statusChanged(call: Call): void;
}

export interface TransferOptions {
  /**
   * `blind` (default): hand the caller over and leave. `warm`: hold the caller and talk to the
   * destination first (a consultation call), then `completeTransfer()` or `cancelTransfer()`.
   */
  mode?: TransferMode;
  /**
   * Skill name → the least level (1–10) the destination's agent must hold: only the agents of
   * the destination (a group, usually) holding every one at or above its level are rung, best
   * match first. Names are lower-case slugs the tenant's people hold; the server refuses an
   * unknown skill or a level out of range (`bad-request` / `bad-message`) and nothing moves.
   */
  skills?: RequiredSkills;
}

/**
 * One call as this session sees it, stable for its whole life: every `incomingCalls$` emission
 * hands out the same object for the same id, updated in place. `status$` replays the current
 * status and completes once the call is destroyed.
 *
 * With a media engine, a call this tab answered or dialed joins the call's room when the server
 * sends its `call_media` credentials, and stays `connecting` (although the server already says
 * connected) until the first remote track arrives. If the other side publishes nothing (a call
 * placed through the HTTP API without media, say) it stays `connecting` for its whole life.
 */
export class Call {
  readonly id: string;
  readonly direction: CallDirection;
  readonly from: Party;
  readonly to: Party;
  readonly ringGroup: RingGroupRef | null;
  readonly params: Readonly<Record<string, string>>;
  readonly createdAt: number;
  /**
   * Ring attempt this call object stands for. A group call offered again after everyone
   * declined or missed it is a new Call with the same id and a higher attempt.
   */
  readonly attempt: number;

  private view: CallView;
  private readonly status$$: BehaviorSubject<CallLifecycleStatus>;
  /** What this tab asked to publish when it answered or dialed; null: no media from this tab. */
  private mediaOptions: Required<MediaOptions> | null = null;
  private media: CallMedia | null = null;
  /** The room `media` joined. */
  private mediaRoom: string | null = null;
  private preparation: MediaPreparation | null = null;
  private remoteMediaArrived = false;
  private readonly localStream$$ = new BehaviorSubject<MediaStream | null>(null);
  private readonly remoteStream$$ = new BehaviorSubject<MediaStream | null>(null);
  private readonly held$$: BehaviorSubject<boolean>;
  private readonly transferState$$: BehaviorSubject<TransferState | null>;
  /** Whether the current media object has been put on hold (it follows the server's `held`). */
  private mediaHeld = false;
  private holdAudio: HoldAudio | null = null;

  readonly status$: Observable<CallLifecycleStatus>;
  readonly localStream$: Observable<MediaStream | null> = this.localStream$$.asObservable();
  readonly remoteStream$: Observable<MediaStream | null> = this.remoteStream$$.asObservable();
  /** Whether the caller is on hold; replays the current value, emits on change. */
  readonly held$: Observable<boolean>;
  /** The transfer in progress on this call (transferring agent's side); null when none. */
  readonly transferState$: Observable<TransferState | null>;

  constructor(
    view: CallView,
    private readonly commands: CallCommands,
    private readonly mediaEngine: MediaEngine | null = null,
    /** What a held caller hears; null: silence (no media engine, or turned off). */
    private readonly createHoldAudio: HoldAudioFactory | null = null,
  ) {
    this.view = view;
    this.id = view.id;
    this.direction = view.direction;
    this.from = view.from;
    this.to = view.to;
    this.ringGroup = view.ringGroup;
    this.params = view.params;
    this.createdAt = view.createdAt;
    this.attempt = view.attempt ?? 0;
    this.status$$ = new BehaviorSubject<CallLifecycleStatus>(view.status);
    this.status$ = this.status$$.asObservable();
    this.held$$ = new BehaviorSubject(view.held ?? false);
    this.held$ = this.held$$.asObservable();
    this.transferState$$ = new BehaviorSubject(view.transfer ?? null);
    this.transferState$ = this.transferState$$.asObservable();
  }

  get status(): CallLifecycleStatus {
    return this.status$$.value;
  }
  get endReason(): EndReason | null {
    return this.view.endReason;
  }
  get answeredBy(): AgentRef | null {
    return this.view.answeredBy;
  }
  get ringingAt(): number | null {
    return this.view.ringingAt;
  }
  get answeredAt(): number | null {
    return this.view.answeredAt;
  }
  get endedAt(): number | null {
    return this.view.endedAt;
  }
  /** The caller is on hold (hears hold audio; no media flows from the agent). */
  get held(): boolean {
    return this.view.held ?? false;
  }
  /** When the current hold began (epoch ms); null when not held. */
  get heldAt(): number | null {
    return this.view.heldAt ?? null;
  }
  /** On a leg rung by a transfer: the agent who transferred it ("Transferred by …"). */
  get transferredBy(): AgentRef | null {
    return this.view.transferredBy ?? null;
  }
  /** The transfer in progress, on the transferring agent's side (`transfer()` is the command). */
  get transferState(): TransferState | null {
    return this.view.transfer ?? null;
  }
  /** On a warm transfer's consultation call: the id of the call being transferred. */
  get consultationFor(): string | null {
    return this.view.consultationFor ?? null;
  }
  /** On a warm transfer's consultation call: who the call being transferred is with. */
  get consultationAbout(): Party | null {
    return this.view.consultationAbout ?? null;
  }

  /**
   * Accepts a ringing inbound call. Audio is on and video off unless the options say otherwise;
   * the media engine publishes exactly that once the server hands out the room.
   */
  async answer(options: MediaOptions = {}): Promise<void> {
    const media = { audio: options.audio ?? true, video: options.video ?? false };
    this.mediaOptions = media;
    // The camera and microphone start while the accept travels and the room is set up.
    this.prepareMedia();
    try {
      await this.commands.accept(this.id, media);
    } catch (error) {
      this.mediaOptions = null;
      this.leaveMedia();
      throw error;
    }
  }

  /** Declines a ringing call before any media flows; the caller sees a normal decline. */
  reject(): Promise<void> {
    return this.commands.reject(this.id);
  }

  /**
   * Ends the call from this side; the status walks on to `disconnected` and `destroyed`. The
   * hangup goes to the server first (so it learns why the call ended from us, not from the media
   * room), then this tab leaves the room at once without waiting for the reply.
   */
  hangup(): Promise<void> {
    const sent = this.commands.hangup(this.id);
    this.leaveMedia();
    return sent;
  }

  /**
   * Hands the caller to another agent or group (`/private/<name>`, `/group/<name>`). Blind (the
   * default): this leg ends `transferred` once the server took it. Warm: the caller is held and a
   * consultation call to the destination starts (`transferState` follows it); finish with
   * `completeTransfer()` or `cancelTransfer()`. With `skills`, only the destination's agents
   * holding them are rung. Rejects with the server's error (the call stays as it was).
   */
  transfer(destination: string, options: TransferOptions = {}): Promise<void> {
    const { mode = 'blind', skills } = options;
    // No requirement at all is sent as none: an empty object would ask nothing of anyone.
    const required = skills && Object.keys(skills).length > 0 ? skills : undefined;
    return this.commands.transfer(this.id, destination, mode, required);
  }

  /** Warm transfer: the caller joins the destination, and this side leaves the call. */
  completeTransfer(): Promise<void> {
    return this.commands.completeTransfer(this.id);
  }

  /** Warm transfer: ends the consultation; the caller comes back off hold, to this side. */
  cancelTransfer(): Promise<void> {
    return this.commands.cancelTransfer(this.id);
  }

  /**
   * Puts the caller on hold. Once the server confirms (`held` becomes true) this tab stops
   * sending its microphone and camera; the caller hears hold audio instead.
   */
  hold(): Promise<void> {
    return this.commands.hold(this.id);
  }

  /** Takes the caller off hold; the microphone and camera come back as they were. */
  resume(): Promise<void> {
    return this.commands.resume(this.id);
  }

  /** @internal What this tab publishes for the call (null: it has no media here). */
  get publishedMedia(): Required<MediaOptions> | null {
    return this.mediaOptions;
  }

  /** @internal The session records what a dialed call publishes. */
  useMedia(options: Required<MediaOptions>): void {
    this.mediaOptions = options;
    this.refreshStatus();
  }

  /**
   * @internal The server sent this call's room credentials. Joins when this tab answered or
   * dialed the call and a media engine is configured; a second frame replaces the first join.
   */
  attachMedia(credentials: MediaCredentials): void {
    if (!this.mediaEngine || !this.mediaOptions) return;
    if (this.status === 'destroyed' || this.view.status === 'disconnected') return;
    // Fresh credentials after a reconnect of the socket only: this page's media is still in the
    // room (LiveKit reconnects on its own), and rejoining would cut it for nothing.
    if (this.media && this.mediaRoom === credentials.room && this.remoteMediaArrived) return;
    this.leaveMedia({ keepPreparation: true });
    const media = this.mediaEngine.join({ ...credentials, ...this.mediaOptions });
    this.media = media;
    this.mediaRoom = credentials.room;
    this.preparation = null; // the join took it over
    // A media object that was left may still be finishing; only the current one speaks.
    media.on('localStreamChanged', (stream) => {
      if (this.media === media) this.localStream$$.next(stream);
    });
    media.on('remoteStreamChanged', (stream) => {
      if (this.media !== media) return;
      this.remoteStream$$.next(stream);
      if (stream && stream.getTracks().length > 0 && !this.remoteMediaArrived) {
        this.remoteMediaArrived = true;
        this.refreshStatus();
      }
    });
    // A new room starts un-held: put it on hold if the call is held now.
    this.mediaHeld = false;
    this.followHold();
  }

  /** @internal The session applies each server view of this call. */
  update(view: CallView): void {
    if (this.status === 'destroyed') return;
    const previous = this.view;
    this.view = view;
    if (view.status === 'disconnected') this.leaveMedia();
    // A call dialed here was answered: its credentials follow, get the devices going.
    else if (view.status === 'connected' && previous.status !== 'connected') this.prepareMedia();
    this.followHold();
    if (this.held$$.value !== this.held) this.held$$.next(this.held);
    if (JSON.stringify(this.transferState$$.value) !== JSON.stringify(this.transferState))
      this.transferState$$.next(this.transferState);
    const status = this.effectiveStatus();
    // A new end reason or winner without a new status still wakes status$ readers up.
    const changed =
      status !== this.status ||
      view.endReason !== previous.endReason ||
      view.answeredBy?.id !== previous.answeredBy?.id;
    if (changed) this.status$$.next(status);
  }

  /**
   * @internal The session this call belonged to is gone for good (the tab was away longer than
   * the server waits): it ended as failed, though no frame could say so.
   */
  endLost(): void {
    if (this.status === 'destroyed' || this.view.status === 'disconnected') return;
    this.update({ ...this.view, status: 'disconnected', endReason: 'failed', endedAt: Date.now() });
  }

  /** @internal The call left the session: last status, then every stream completes. */
  destroy(): void {
    if (this.status === 'destroyed') return;
    this.leaveMedia();
    this.status$$.next('destroyed');
    this.status$$.complete();
    this.localStream$$.complete();
    this.remoteStream$$.complete();
    this.held$$.complete();
    this.transferState$$.complete();
  }

  /** The server's status, except that a call waiting for the other side's media is `connecting`. */
  private effectiveStatus(): CallLifecycleStatus {
    const awaitingMedia =
      this.mediaEngine !== null && this.mediaOptions !== null && !this.remoteMediaArrived;
    return this.view.status === 'connected' && awaitingMedia ? 'connecting' : this.view.status;
  }

  private refreshStatus(): void {
    if (this.status === 'destroyed') return;
    const status = this.effectiveStatus();
    if (status === this.status) return;
    this.status$$.next(status);
    this.commands.statusChanged(this);
  }

  /**
   * Keeps the media in step with the server's `held`. The agent's side stops sending; the
   * caller's side (a call dialed here) stops receiving and plays hold audio instead.
   */
  private followHold(): void {
    const held = this.held && this.view.status === 'connected' && this.mediaOptions !== null;
    if (held === this.mediaHeld) return;
    this.mediaHeld = held;
    const callerSide = this.direction === 'outbound';
    if (callerSide) {
      if (held) this.media?.holdReceiving?.();
      else this.media?.resumeReceiving?.();
      if (held) this.startHoldAudio();
      else this.stopHoldAudio();
    } else if (held) this.media?.holdSending?.();
    else this.media?.resumeSending?.();
  }

  private startHoldAudio(): void {
    if (!this.mediaEngine || !this.createHoldAudio) return;
    this.holdAudio ??= this.createHoldAudio();
    this.holdAudio.start();
  }

  private stopHoldAudio(): void {
    this.holdAudio?.stop();
    this.holdAudio = null;
  }

  private prepareMedia(): void {
    if (!this.mediaEngine?.prepare || !this.mediaOptions || this.media || this.preparation) return;
    this.preparation = this.mediaEngine.prepare({ callId: this.id, ...this.mediaOptions });
  }

  private leaveMedia({ keepPreparation = false } = {}): void {
    this.stopHoldAudio();
    this.mediaHeld = false;
    if (!keepPreparation) {
      this.preparation?.cancel();
      this.preparation = null;
    }
    const media = this.media;
    if (!media) return;
    this.media = null;
    media.leave();
    if (this.localStream$$.value) this.localStream$$.next(null);
    if (this.remoteStream$$.value) this.remoteStream$$.next(null);
  }
}
