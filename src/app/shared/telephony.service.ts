import { Injectable, InjectionToken, inject } from '@angular/core';
import { BehaviorSubject, of, switchMap, type Observable } from 'rxjs';
import {
  connect,
  TelephonyError,
  type Call,
  type MediaEngine,
  type Session,
  type TelephonyClient,
} from '@switchboard/telephony';

/** How the service opens a client; tests provide a fake. */
export const TELEPHONY_CONNECT = new InjectionToken<typeof connect>('TELEPHONY_CONNECT', {
  providedIn: 'root',
  factory: () => connect,
});

/** Where calls get their media; none by default (the app provides the LiveKit engine). */
export const MEDIA_ENGINE = new InjectionToken<MediaEngine | null>('MEDIA_ENGINE', {
  providedIn: 'root',
  factory: () => null,
});

/**
 * Holds the one live TelephonyClient of this tab and the SDK objects that hang off it (Calls and,
 * through them, their MediaStreams). Effects reach the SDK only through here; the store only ever sees
 * projections.
 */
@Injectable({ providedIn: 'root' })
export class TelephonyService {
  private readonly connectClient = inject(TELEPHONY_CONNECT);
  private readonly media = inject(MEDIA_ENGINE);
  private readonly client$$ = new BehaviorSubject<TelephonyClient | null>(null);

  /** The current client's `incomingCalls$`, following sign-in and sign-out. */
  readonly incomingCalls$: Observable<readonly Call[]> = this.client$$.pipe(
    switchMap((client) => (client ? client.session.incomingCalls$ : of([]))),
  );

  get client(): TelephonyClient | null {
    return this.client$$.value;
  }

  connect(token: string, expiresAt: number): TelephonyClient {
    this.disconnect();
    const client = this.connectClient(token, {
      expiresAt,
      ...(this.media ? { media: this.media } : {}),
    });
    this.client$$.next(client);
    return client;
  }

  disconnect(): void {
    const client = this.client$$.value;
    if (!client) return;
    this.client$$.next(null);
    client.disconnect();
  }

  /** The session of the live client; throws a TelephonyError when signed out. */
  get session(): Session {
    const client = this.client$$.value;
    if (!client) throw new TelephonyError('not-connected', 'not signed in to telephony');
    return client.session;
  }

  call(callId: string): Call | undefined {
    return this.client$$.value?.session.getCall(callId);
  }
}
