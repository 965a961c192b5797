import { BehaviorSubject, filter, firstValueFrom, type Observable } from 'rxjs';
import type {
  CallView,
  GroupQueueView,
  MediaOptions,
  Presence,
  RequiredSkills,
  ServerMessage,
  TransferMode,
  NotReadyView,
  WrapUpView,
} from '../protocol';
import { Call, type CallCommands } from '../call/call';
import type { HoldAudioFactory } from '../media/hold-audio';
import type { MediaEngine } from '../media/media-engine';
import { TelephonyError } from '../shared/errors';
import type { HelloMessage, SocketConnection } from '../transport/socket-connection';

/** Presence an agent may choose; `busy` and `offline` follow from facts on the server. */
export type SelectablePresence = Extract<Presence, 'available' | 'away' | 'wrap-up'>;
export type SessionUser = HelloMessage['user'];
/** Why the agent is away though it chose to take calls: it let a call ring out. */
export type NotReady = NotReadyView;
/** The agent's after-call work: the call being wrapped up, who it was with, when it ends. */
export type WrapUp = WrapUpView;
/** One of the agent's ring groups' queues: waiting calls, the longest wait, who else is available. */
export type GroupQueue = GroupQueueView;

export interface DialOptions {
  media?: MediaOptions;
  /** Custom parameters the callee's console receives with the call. */
  params?: Record<string, string>;
}

/**
 * The agent's registration and calls over one SocketConnection. Keeps one Call object per id
 * (stable across emissions), re-registers after every reconnect if the agent wanted to be
 * online, and lets the server's next snapshot decide which calls still exist.
 */
export class Session implements CallCommands {
  private readonly incoming = new Map<string, Call>();
  private readonly outgoing = new Map<string, Call>();
  /** What the page before a reload published on each call, for the calls it resumes. */
  private resumedMedia: Record<string, Required<MediaOptions>> = {};
  private readonly incomingCalls$$ = new BehaviorSubject<readonly Call[]>([]);
  private readonly presence$$ = new BehaviorSubject<Presence>('offline');
  private readonly addresses$$ = new BehaviorSubject<readonly string[]>([]);
  private readonly registered$$ = new BehaviorSubject<boolean>(false);
  private readonly user$$ = new BehaviorSubject<SessionUser | null>(null);
  private readonly wrapUp$$ = new BehaviorSubject<WrapUp | null>(null);
  private readonly notReady$$ = new BehaviorSubject<NotReady | null>(null);
  private readonly queues$$ = new BehaviorSubject<readonly GroupQueue[]>([]);
  private wantsOnline = false;
  /** Registered when the connection last dropped: a hiccup that ends on the same socket restores it. */
  private registeredBeforeDrop = false;

  /** The whole current list of inbound calls on every change; replays the latest list. */
  readonly incomingCalls$: Observable<readonly Call[]> = this.incomingCalls$$.asObservable();
  readonly presence$: Observable<Presence> = this.presence$$.asObservable();
  readonly addresses$: Observable<readonly string[]> = this.addresses$$.asObservable();
  /** True while the server will ring this session (between `registered` and a drop or `offline()`). */
  readonly registered$: Observable<boolean> = this.registered$$.asObservable();
  readonly user$: Observable<SessionUser | null> = this.user$$.asObservable();
  /** The agent's after-call work while it runs (null otherwise); replays the latest value. */
  readonly wrapUp$: Observable<WrapUp | null> = this.wrapUp$$.asObservable();
  /** Set while the agent is away because it missed a call (null otherwise); replays the latest. */
  readonly notReady$: Observable<NotReady | null> = this.notReady$$.asObservable();
  /**
   * The queues of the agent's ring groups, pushed by the server when they change (whatever the
   * agent's presence); empty when the agent is in no group. Replays the latest.
   */
  readonly queues$: Observable<readonly GroupQueue[]> = this.queues$$.asObservable();

  constructor(
    private readonly connection: SocketConnection,
    private readonly media: MediaEngine | null = null,
    private readonly holdAudio: HoldAudioFactory | null = null,
  ) {
    connection.on('hello', (hello) => this.handleHello(hello));
    connection.on('message', (message) => this.handleMessage(message));
    connection.on('stateChanged', (state) => {
      if (state === 'online') {
        // The same socket outlived a network hiccup (no new hello): the server never stopped
        // ringing this session. A new socket's hello, right after this, says what is true.
        if (this.registeredBeforeDrop && this.wantsOnline) this.registered$$.next(true);
        this.registeredBeforeDrop = false;
        return;
      }
      if (this.registered$$.value) this.registeredBeforeDrop = true;
      this.registered$$.next(false);
    });
  }

  get presence(): Presence {
    return this.presence$$.value;
  }
  /** The dialable addresses this agent is registered at, e.g. `/private/ada`, `/group/support`. */
  get addresses(): readonly string[] {
    return this.addresses$$.value;
  }
  get registered(): boolean {
    return this.registered$$.value;
  }
  get user(): SessionUser | null {
    return this.user$$.value;
  }

  /** The live Call with this id, inbound or outbound, if the session still has it. */
  /** @internal What each call publishes from this page, kept across a reload. */
  mediaChoices(): Record<string, Required<MediaOptions>> {
    const choices: Record<string, Required<MediaOptions>> = {};
    for (const call of [...this.incoming.values(), ...this.outgoing.values()])
      if (call.publishedMedia) choices[call.id] = call.publishedMedia;
    return choices;
  }

  /** @internal The reloaded page's calls publish what the page before published. */
  resumeMediaChoices(choices: Record<string, Required<MediaOptions>>): void {
    this.resumedMedia = choices;
  }

  getCall(callId: string): Call | undefined {
    return this.incoming.get(callId) ?? this.outgoing.get(callId);
  }

  /**
   * Registers this session so calls ring here. While disconnected it waits: the session
   * registers by itself as soon as the connection is back.
   */
  async online(): Promise<void> {
    this.wantsOnline = true;
    if (this.connection.state === 'online') {
      await this.connection.request({ type: 'online' });
      return;
    }
    await firstValueFrom(this.registered$$.pipe(filter(Boolean)));
  }

  async offline(): Promise<void> {
    this.wantsOnline = false;
    if (this.connection.state === 'online') await this.connection.request({ type: 'offline' });
  }

  async setPresence(presence: SelectablePresence): Promise<void> {
    await this.connection.request({ type: 'presence.set', presence });
  }

  /** Ends the after-call work now: the agent takes calls again. */
  async endWrapUp(): Promise<void> {
    await this.connection.request({ type: 'wrap_up.end' });
  }

  /** Gives the after-call work `seconds` more. */
  async extendWrapUp(seconds: number): Promise<void> {
    await this.connection.request({ type: 'wrap_up.extend', seconds });
  }

  /** Places a call; resolves with the Call once the server has accepted the dial. */
  async dial(address: string, options: DialOptions = {}): Promise<Call> {
    for (const [id, call] of this.outgoing)
      if (call.status === 'destroyed') this.outgoing.delete(id);
    const reply = await this.connection.request({
      type: 'call.dial',
      to: address,
      media: { audio: options.media?.audio ?? true, video: options.media?.video ?? false },
      ...(options.params ? { params: options.params } : {}),
    });
    if (reply.type !== 'outgoing_call') {
      throw new TelephonyError(
        'internal',
        `dial answered with ${reply.type}, expected outgoing_call`,
      );
    }
    const call = this.outgoing.get(reply.call.id) ?? this.applyOutgoing(reply.call);
    call.useMedia({ audio: options.media?.audio ?? true, video: options.media?.video ?? false });
    return call;
  }

  async accept(callId: string, media: Required<MediaOptions>): Promise<void> {
    await this.connection.request({ type: 'call.accept', callId, media });
  }

  async reject(callId: string): Promise<void> {
    await this.connection.request({ type: 'call.reject', callId });
  }

  async hangup(callId: string): Promise<void> {
    await this.connection.request({ type: 'call.hangup', callId });
  }

  async transfer(
    callId: string,
    to: string,
    mode: TransferMode,
    skills?: RequiredSkills,
  ): Promise<void> {
    await this.connection.request({
      type: 'call.transfer',
      callId,
      to,
      mode,
      ...(skills ? { skills } : {}),
    });
  }

  async completeTransfer(callId: string): Promise<void> {
    await this.connection.request({ type: 'call.transfer.complete', callId });
  }

  async cancelTransfer(callId: string): Promise<void> {
    await this.connection.request({ type: 'call.transfer.cancel', callId });
  }

  async hold(callId: string): Promise<void> {
    await this.connection.request({ type: 'call.hold', callId });
  }

  async resume(callId: string): Promise<void> {
    await this.connection.request({ type: 'call.resume', callId });
  }

  /** @internal A call's status changed without a server frame (its remote media arrived). */
  statusChanged(call: Call): void {
    if (this.incoming.get(call.id) === call)
      this.incomingCalls$$.next([...this.incomingCalls$$.value]);
  }

  /** @internal The client is going away: every call ends for this session. */
  dispose(): void {
    for (const call of [...this.incoming.values(), ...this.outgoing.values()]) call.destroy();
    this.incoming.clear();
    this.outgoing.clear();
    this.incomingCalls$$.next([]);
    this.registered$$.next(false);
    for (const subject of [
      this.incomingCalls$$,
      this.presence$$,
      this.addresses$$,
      this.registered$$,
      this.user$$,
      this.wrapUp$$,
      this.notReady$$,
      this.queues$$,
    ]) {
      subject.complete();
    }
  }

  private handleHello(hello: HelloMessage): void {
    this.user$$.next(hello.user);
    this.addresses$$.next(hello.addresses);
    this.presence$$.next(hello.presence);
    this.registered$$.next(hello.online);
    // Not resumed (the tab was away too long, or call control restarted): the server's earlier
    // session ended, and with it the calls this tab placed or had answered. Each says so
    // (`failed`) before it goes, so the agent is told what happened rather than watching a call
    // vanish. Calls still ringing need nothing: the new session's list offers them again or not.
    if (!hello.resumed) {
      for (const call of this.outgoing.values()) {
        call.endLost();
        call.destroy();
      }
      this.outgoing.clear();
      const answered = [...this.incoming.values()].filter((call) => call.status !== 'ringing');
      for (const call of answered) {
        this.incoming.delete(call.id);
        call.endLost();
        call.destroy();
      }
      if (answered.length) this.incomingCalls$$.next([...this.incoming.values()]);
    }
    // A fresh socket is a fresh server session: register again if the agent was online.
    if (this.wantsOnline && !hello.online) {
      this.connection.request({ type: 'online' }).catch((error: unknown) => {
        console.warn('[telephony] re-registering after reconnect failed', error);
      });
    }
  }

  private handleMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'registered':
        if (message.presence !== 'away') this.notReady$$.next(null);
        this.addresses$$.next(message.addresses);
        this.presence$$.next(message.presence);
        this.registered$$.next(true);
        break;
      case 'unregistered':
        this.notReady$$.next(null);
        this.presence$$.next(message.presence);
        this.registered$$.next(false);
        break;
      case 'presence':
        this.notReady$$.next(message.notReady ?? null);
        this.presence$$.next(message.presence);
        break;
      case 'wrap_up':
        this.wrapUp$$.next(message.wrapUp);
        break;
      case 'queues':
        this.queues$$.next(message.groups);
        break;
      case 'incoming_calls':
        this.applyIncoming(message.calls);
        break;
      case 'outgoing_call':
        this.applyOutgoing(message.call);
        break;
      case 'call_media': {
        const { callId, url, room, token, identity } = message;
        const call = this.getCall(callId);
        if (call) this.inheritConsultationMedia(call);
        // A call this page resumed after a reload publishes what the page before it did.
        const resumed = this.resumedMedia[callId];
        if (call && !call.publishedMedia && resumed) call.useMedia(resumed);
        if (call) call.attachMedia({ callId, url, room, token, identity });
        else console.warn(`[telephony] media credentials for unknown call ${callId}`);
        break;
      }
    }
  }

  private applyIncoming(views: readonly CallView[]): void {
    const present = new Set<string>();
    const list = views.map((view) => {
      present.add(view.id);
      let call = this.incoming.get(view.id);
      // A call never walks back to ringing: one that does (a transfer nobody took, ringing this
      // agent again) is a new ring, like a new attempt.
      const ringsAgain = !!call && call.status !== 'ringing' && view.status === 'ringing';
      if (call && ((view.attempt ?? 0) > call.attempt || ringsAgain)) {
        // Offered again: the earlier Call is over, a new one rings.
        call.destroy();
        call = undefined;
      }
      if (call) call.update(view);
      else {
        this.incoming.set(view.id, (call = this.newCall(view)));
        this.inheritConsultationMedia(call);
      }
      return call;
    });
    for (const [id, call] of this.incoming) {
      if (present.has(id)) continue;
      this.incoming.delete(id);
      call.destroy();
    }
    this.incomingCalls$$.next(list);
  }

  private newCall(view: CallView): Call {
    return new Call(view, this, this.media, this.holdAudio);
  }

  /**
   * A warm transfer completed to this tab: the transferred call arrives already connected, and
   * joins its room with what this tab published on the consultation call it answered.
   */
  private inheritConsultationMedia(call: Call): void {
    if (call.publishedMedia) return;
    for (const other of [...this.incoming.values(), ...this.outgoing.values()]) {
      if (other.consultationFor === call.id && other.publishedMedia) {
        call.useMedia(other.publishedMedia);
        return;
      }
    }
  }

  private applyOutgoing(view: CallView): Call {
    let call = this.outgoing.get(view.id);
    if (call) call.update(view);
    else {
      this.outgoing.set(view.id, (call = this.newCall(view)));
      // A warm transfer's consultation call was not dialed here: it talks like the call it is for.
      const original = view.consultationFor ? this.getCall(view.consultationFor) : undefined;
      if (original?.publishedMedia) call.useMedia(original.publishedMedia);
    }
    // The caller's side has no list to drop out of: disconnected is its last server state.
    if (view.status === 'disconnected') call.destroy();
    return call;
  }
}
