import { BehaviorSubject, type Observable } from 'rxjs';
import type {
  AgentRef,
  CallStatus,
  CallView,
  EndReason,
  MediaOptions,
  Party,
  RingGroupRef,
} from '../../../../protocol/session-protocol';

/** The server's statuses plus the SDK's last word: the call has left the session for good. */
export type CallLifecycleStatus = CallStatus | 'destroyed';
export type CallDirection = CallView['direction'];

/** What a Call needs from its session to act; the session implements it over the socket. */
export interface CallCommands {
  accept(callId: string, media: Required<MediaOptions>): Promise<void>;
  reject(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
}

/**
 * One call as this session sees it, stable for its whole life: every `incomingCalls$` emission
 * hands out the same object for the same id, updated in place. `status$` replays the current
 * status and completes once the call is destroyed.
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
  // Media arrives with the LiveKit issue; until then both streams say "none".
  private readonly localStream$$ = new BehaviorSubject<MediaStream | null>(null);
  private readonly remoteStream$$ = new BehaviorSubject<MediaStream | null>(null);

  readonly status$: Observable<CallLifecycleStatus>;
  readonly localStream$: Observable<MediaStream | null> = this.localStream$$.asObservable();
  readonly remoteStream$: Observable<MediaStream | null> = this.remoteStream$$.asObservable();

  constructor(
    view: CallView,
    private readonly commands: CallCommands,
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

  /** Accepts a ringing inbound call. Audio is on and video off unless the options say otherwise. */
  answer(options: MediaOptions = {}): Promise<void> {
    return this.commands.accept(this.id, {
      audio: options.audio ?? true,
      video: options.video ?? false,
    });
  }

  /** Declines a ringing call before any media flows; the caller sees a normal decline. */
  reject(): Promise<void> {
    return this.commands.reject(this.id);
  }

  /** Ends the call from this side; the status walks on to `disconnected` and `destroyed`. */
  hangup(): Promise<void> {
    return this.commands.hangup(this.id);
  }

  /** @internal The session applies each server view of this call. */
  update(view: CallView): void {
    if (this.status === 'destroyed') return;
    const previous = this.view;
    this.view = view;
    // A new end reason or winner without a new status still wakes status$ readers up.
    const changed =
      view.status !== this.status ||
      view.endReason !== previous.endReason ||
      view.answeredBy?.id !== previous.answeredBy?.id;
    if (changed) this.status$$.next(view.status);
  }

  /** @internal The call left the session: last status, then every stream completes. */
  destroy(): void {
    if (this.status === 'destroyed') return;
    this.status$$.next('destroyed');
    this.status$$.complete();
    this.localStream$$.complete();
    this.remoteStream$$.complete();
  }
}
