import { inject, Injectable } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import {
  catchError,
  concatMap,
  defer,
  exhaustMap,
  filter,
  ignoreElements,
  map,
  merge,
  of,
  switchMap,
  takeUntil,
  tap,
} from 'rxjs';
import { AuthApiActions, AuthSessionActions, ToolbarActions } from '../auth/auth.actions';
import { TokenStorage } from '../auth/token-storage';
import { OnlineChoice } from './online-choice';
import { TelephonyService } from '../shared/telephony.service';
import { errorReason, type SelectablePresence } from '@switchboard/telephony';
import {
  MissedCallBannerActions,
  OnlineToggleActions,
  SessionRestoreActions,
  PresenceSelectActions,
  SessionApiActions,
  TelephonyEvents,
  WrapUpPanelActions,
} from './session.actions';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

@Injectable()
export class SessionEffects {
  private readonly actions$ = inject(Actions);
  private readonly telephony = inject(TelephonyService);
  private readonly storage = inject(TokenStorage);
  private readonly onlineChoice = inject(OnlineChoice);
  private readonly signedOut$ = this.actions$.pipe(
    ofType(ToolbarActions.signOutClicked, AuthSessionActions.expired),
  );

  /** Signing in opens the telephony session; its reports become actions until sign-out. */
  connect$ = createEffect(() =>
    this.actions$.pipe(
      ofType(AuthApiActions.signInSucceeded, AuthSessionActions.restored),
      switchMap(() => {
        const stored = this.storage.read();
        if (!stored)
          return of(AuthSessionActions.expired({ message: 'Your sign-in has expired.' }));
        const client = this.telephony.connect(stored.token, stored.expiresAt);
        const { session } = client;
        return merge(
          client.connectionState$.pipe(
            map((state) => TelephonyEvents.connectionChanged({ state })),
          ),
          session.user$.pipe(
            filter((user) => user !== null),
            map((user) => TelephonyEvents.helloReceived({ user })),
          ),
          session.registered$.pipe(
            map((registered) => TelephonyEvents.registrationChanged({ registered })),
          ),
          session.presence$.pipe(map((presence) => TelephonyEvents.presenceChanged({ presence }))),
          session.addresses$.pipe(
            map((addresses) => TelephonyEvents.addressesChanged({ addresses: [...addresses] })),
          ),
          session.wrapUp$.pipe(map((wrapUp) => TelephonyEvents.wrapUpChanged({ wrapUp }))),
          session.notReady$.pipe(map((notReady) => TelephonyEvents.notReadyChanged({ notReady }))),
          session.queues$.pipe(
            map((queues) => TelephonyEvents.queuesChanged({ queues: [...queues] })),
          ),
          client.tokenRefreshed$.pipe(
            tap(({ token, expiresAt }) => this.storage.updateToken(token, expiresAt)),
            map(({ expiresAt }) => AuthApiActions.tokenRefreshed({ expiresAt })),
          ),
          client.unauthorized$.pipe(
            map(() =>
              AuthSessionActions.expired({ message: 'Your sign-in has expired. Sign in again.' }),
            ),
          ),
        ).pipe(takeUntil(this.signedOut$));
      }),
    ),
  );

  /** A reload keeps the agent online: the choice is kept for this tab (sessionStorage). */
  restoreOnline$ = createEffect(() =>
    this.actions$.pipe(
      ofType(AuthSessionActions.restored),
      filter(() => this.onlineChoice.wasOnline()),
      map(() => SessionRestoreActions.wasOnline()),
    ),
  );

  rememberOnline$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(
          OnlineToggleActions.comeOnlineToggled,
          OnlineToggleActions.goOfflineToggled,
          SessionApiActions.comeOnlineFailed,
          ToolbarActions.signOutClicked,
          AuthSessionActions.expired,
        ),
        tap((action) =>
          this.onlineChoice.remember(action.type === OnlineToggleActions.comeOnlineToggled.type),
        ),
      ),
    { dispatch: false },
  );

  disconnect$ = createEffect(() => this.signedOut$.pipe(tap(() => this.telephony.disconnect())), {
    dispatch: false,
  });

  comeOnline$ = createEffect(() =>
    this.actions$.pipe(
      ofType(OnlineToggleActions.comeOnlineToggled, SessionRestoreActions.wasOnline),
      exhaustMap(() =>
        defer(() => this.telephony.session.online()).pipe(
          map(() => SessionApiActions.comeOnlineSucceeded()),
          catchError((error: unknown) =>
            of(
              SessionApiActions.comeOnlineFailed({
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  goOffline$ = createEffect(() =>
    this.actions$.pipe(
      ofType(OnlineToggleActions.goOfflineToggled),
      exhaustMap(() =>
        defer(() => this.telephony.session.offline()).pipe(
          map(() => SessionApiActions.goOfflineSucceeded()),
          catchError((error: unknown) =>
            of(
              SessionApiActions.goOfflineFailed({
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  /** exhaustMap: a double click finishes the wrap-up once. */
  finishWrapUp$ = createEffect(() =>
    this.actions$.pipe(
      ofType(WrapUpPanelActions.finishClicked),
      exhaustMap(() =>
        defer(() => this.telephony.session.endWrapUp()).pipe(
          ignoreElements(),
          catchError((error: unknown) => of(this.wrapUpFailed(error))),
        ),
      ),
    ),
  );

  /** concatMap: every click adds its time. */
  extendWrapUp$ = createEffect(() =>
    this.actions$.pipe(
      ofType(WrapUpPanelActions.extendClicked),
      concatMap(({ seconds }) =>
        defer(() => this.telephony.session.extendWrapUp(seconds)).pipe(
          ignoreElements(),
          catchError((error: unknown) => of(this.wrapUpFailed(error))),
        ),
      ),
    ),
  );

  private wrapUpFailed(error: unknown) {
    return SessionApiActions.wrapUpCommandFailed({
      reason: errorReason(error),
      message: messageOf(error),
    });
  }

  /** switchMap: only the agent's latest choice matters. */
  setPresence$ = createEffect(() =>
    this.actions$.pipe(
      ofType(PresenceSelectActions.presenceChosen, MissedCallBannerActions.backClicked),
      // "I'm back" after a missed call is the agent choosing to be available.
      map((action): SelectablePresence => ('presence' in action ? action.presence : 'available')),
      switchMap((presence) =>
        defer(() => this.telephony.session.setPresence(presence)).pipe(
          ignoreElements(),
          catchError((error: unknown) =>
            of(
              SessionApiActions.presenceChangeFailed({
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
