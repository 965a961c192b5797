import { Injectable, InjectionToken, inject } from '@angular/core';
import { BehaviorSubject, of, switchMap, type Observable } from 'rxjs';
import {
  connect,
  TelephonyError,
  type Call,
  type Session,
  type TelephonyClient,
} from '../telephony';

/** How the service opens a client; tests provide a fake. */
export const TELEPHONY_CONNECT = new InjectionToken<typeof connect>('TELEPHONY_CONNECT', {
  providedIn: 'root',
  factory: () => connect,
});

/**
 * Holds the one live TelephonyClient of this tab and the SDK objects that hang off it (Calls,
 * MediaStreams later). Effects reach the SDK only through here; the store only ever sees
 * projections.
 */
@Injectable({ providedIn: 'root' })
export class TelephonyService {
  private readonly connectClient = inject(TELEPHONY_CONNECT);
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
    const client = this.connectClient(token, { expiresAt });
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
