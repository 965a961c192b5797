import { DestroyRef, inject, Injectable, InjectionToken } from '@angular/core';
import { Subject, type Observable } from 'rxjs';
import {
  TypedEmitter,
  type MediaEngine,
  type MediaJoinRequest,
  type MediaPreparation,
  type MediaPrepareRequest,
} from '@switchboard/telephony';
import type {
  CallMediaModule,
  CallMediaSession,
  CallMediaSessionEvents,
  CapturedMedia,
} from './call-media-session';
import { MediaSessionEvents } from './media.actions';
import {
  initialCallMediaState,
  type CallMediaState,
  type CallMediaStats,
  type MediaDeviceKindName,
} from './media-state';
import { exposeDebugHook } from '../shared/debug-hooks';
import { DevicePreferences, type PreferredDevices } from './device-preferences';

/** Loads the LiveKit chunk; tests provide a fake module. */
export const CALL_MEDIA_MODULE = new InjectionToken<() => Promise<CallMediaModule>>(
  'CALL_MEDIA_MODULE',
  { providedIn: 'root', factory: () => () => import('./livekit/livekit-call-media') },
);

/** What `window.__switchboardMedia` offers tests and benchmarks (read-only figures). */
export interface MediaDebugHook {
  /** The calls with media in this tab. */
  calls(): string[];
  /** Inbound/outbound RTP figures of every call with media in this tab. */
  stats(): Promise<CallMediaStats[]>;
}

type MediaSessionEvent = ReturnType<(typeof MediaSessionEvents)[keyof typeof MediaSessionEvents]>;

/**
 * The console's media engine, and the one place LiveKit objects live. The SDK asks it to join a
 * call's room; the agent's controls reach that room through it by call id; the store only hears
 * the serializable reports on `events$`.
 */
@Injectable({ providedIn: 'root' })
export class CallMediaService implements MediaEngine {
  private readonly loadModule = inject(CALL_MEDIA_MODULE);
  private readonly devicePreferences = inject(DevicePreferences);
  private readonly sessions = new Map<string, LazyCallMediaSession>();
  /** Devices opened for calls about to join (answered here, credentials on their way). */
  private readonly prepared = new Map<string, Promise<CapturedMedia | null>>();
  private readonly events$$ = new Subject<MediaSessionEvent>();
  private module: Promise<CallMediaModule> | null = null;

  /** Reports of every call's media, as actions for the store. */
  readonly events$: Observable<MediaSessionEvent> = this.events$$.asObservable();

  constructor() {
    const leaveAll = () => this.leaveAll();
    // Closing the tab must end the media at once for the other side (livekit-client does the
    // same; this keeps it true whatever its options say).
    globalThis.addEventListener?.('pagehide', leaveAll);
    globalThis.addEventListener?.('beforeunload', leaveAll);
    inject(DestroyRef).onDestroy(() => {
      globalThis.removeEventListener?.('pagehide', leaveAll);
      globalThis.removeEventListener?.('beforeunload', leaveAll);
      this.leaveAll();
    });
    const hook: MediaDebugHook = {
      calls: () => [...this.sessions.keys()],
      stats: () => Promise.all([...this.sessions.values()].map((session) => session.stats())),
    };
    exposeDebugHook('__switchboardMedia', hook);
  }

  /** Loads livekit-client ahead of the first call (the agent came online). */
  prefetch(): Promise<void> {
    return this.load().then(
      () => undefined,
      (error: unknown) => console.warn('[media] prefetching the media module failed', error),
    );
  }

  prepare(request: MediaPrepareRequest): MediaPreparation {
    const captured = this.load().then(
      (module) => module.captureMedia(request, this.devicePreferences.read()),
      () => null, // join() reports the module that did not load
    );
    this.prepared.set(request.callId, captured);
    return {
      cancel: () => {
        if (this.prepared.get(request.callId) !== captured) return;
        this.prepared.delete(request.callId);
        void captured.then((media) => media?.stop());
      },
    };
  }

  join(request: MediaJoinRequest): CallMediaSession {
    this.sessions.get(request.callId)?.leave();
    const captured = this.prepared.get(request.callId);
    this.prepared.delete(request.callId);
    const session = new LazyCallMediaSession(
      request,
      this.load(),
      captured,
      this.devicePreferences.read(),
    );
    this.sessions.set(request.callId, session);
    session.on('stateChanged', (state) => {
      this.events$$.next(MediaSessionEvents.stateChanged({ state }));
      if (state.connection === 'disconnected' && this.sessions.get(state.callId) === session)
        this.forget(state.callId);
    });
    session.on('devicesChanged', (devices) =>
      this.events$$.next(MediaSessionEvents.devicesChanged({ devices })),
    );
    return session;
  }

  setMicrophoneEnabled(callId: string, enabled: boolean): Promise<void> {
    return this.session(callId).setMicrophoneEnabled(enabled);
  }

  setCameraEnabled(callId: string, enabled: boolean): Promise<void> {
    return this.session(callId).setCameraEnabled(enabled);
  }

  switchDevice(callId: string, kind: MediaDeviceKindName, deviceId: string): Promise<void> {
    return this.session(callId).switchDevice(kind, deviceId);
  }

  sendDtmf(callId: string, digit: string): Promise<void> {
    return this.session(callId).sendDtmf(digit);
  }

  private session(callId: string): LazyCallMediaSession {
    const session = this.sessions.get(callId);
    if (!session) throw new Error(`call ${callId} has no media in this tab`);
    return session;
  }

  private forget(callId: string): void {
    this.sessions.delete(callId);
    this.events$$.next(MediaSessionEvents.left({ callId }));
  }

  private leaveAll(): void {
    for (const session of [...this.sessions.values()]) session.leave();
  }

  private load(): Promise<CallMediaModule> {
    this.module ??= this.loadModule().catch((error: unknown) => {
      this.module = null; // a failed chunk load may succeed next time
      throw error;
    });
    return this.module;
  }
}

/**
 * Stands in for a call's media session while the LiveKit chunk loads (usually already
 * prefetched): the SDK gets an object at once, controls wait for the real one.
 */
class LazyCallMediaSession
  extends TypedEmitter<CallMediaSessionEvents>
  implements CallMediaSession
{
  readonly callId: string;
  private left = false;
  private readonly inner: Promise<CallMediaSession | null>;

  constructor(
    request: MediaJoinRequest,
    module: Promise<CallMediaModule>,
    captured?: Promise<CapturedMedia | null>,
    devices: PreferredDevices = {},
  ) {
    super();
    this.callId = request.callId;
    this.inner = Promise.all([module, captured]).then(
      ([loaded, media]) => {
        if (this.left) {
          media?.stop();
          return null;
        }
        const session = loaded.createCallMedia(request, media ?? undefined, devices);
        session.on('localStreamChanged', (stream) => this.emit('localStreamChanged', stream));
        session.on('remoteStreamChanged', (stream) => this.emit('remoteStreamChanged', stream));
        session.on('stateChanged', (state) => this.emit('stateChanged', state));
        session.on('devicesChanged', (devices) => this.emit('devicesChanged', devices));
        return session;
      },
      (error: unknown) => {
        this.emit('stateChanged', {
          ...failedState(request.callId),
          error: `Could not load the media module: ${error instanceof Error ? error.message : String(error)}`,
        });
        return null;
      },
    );
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    await (await this.ready()).setMicrophoneEnabled(enabled);
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    await (await this.ready()).setCameraEnabled(enabled);
  }

  async switchDevice(kind: MediaDeviceKindName, deviceId: string): Promise<void> {
    await (await this.ready()).switchDevice(kind, deviceId);
  }

  async stats(): Promise<CallMediaStats> {
    return (await this.ready()).stats();
  }

  async sendDtmf(digit: string): Promise<void> {
    await (await this.ready()).sendDtmf(digit);
  }

  // Hold arrives from the SDK at any time, even while the chunk loads: applied once it is there.
  holdSending(): void {
    void this.inner.then((session) => session?.holdSending());
  }

  resumeSending(): void {
    void this.inner.then((session) => session?.resumeSending());
  }

  holdReceiving(): void {
    void this.inner.then((session) => session?.holdReceiving());
  }

  resumeReceiving(): void {
    void this.inner.then((session) => session?.resumeReceiving());
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    void this.inner.then((session) => {
      if (session) session.leave();
      else this.emit('stateChanged', { ...failedState(this.callId), connection: 'disconnected' });
    });
  }

  private async ready(): Promise<CallMediaSession> {
    const session = await this.inner;
    if (!session || this.left) throw new Error('this call has no media any more');
    return session;
  }
}

function failedState(callId: string): CallMediaState {
  return { ...initialCallMediaState(callId), connection: 'failed', microphoneMuted: true };
}
