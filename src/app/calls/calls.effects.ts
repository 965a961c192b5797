import { inject, Injectable, InjectionToken } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store, type Action } from '@ngrx/store';
import {
  catchError,
  combineLatest,
  concatMap,
  defer,
  distinct,
  distinctUntilChanged,
  EMPTY,
  exhaustMap,
  filter,
  interval,
  map,
  mergeMap,
  of,
  switchMap,
  takeUntil,
  timer,
  withLatestFrom,
} from 'rxjs';
import { AuthApiActions, AuthSessionActions, ToolbarActions } from '../auth/auth.actions';
import { mediaFeature } from '../media/media.feature';
import { EFFECTS_SCHEDULER } from '../shared/scheduler';
import { TelephonyService } from '../shared/telephony.service';
import { errorReason, TelephonyError, type Call } from '@switchboard/telephony';
import { hasEnded } from './call-outcome';
import { toCallSnapshot } from './call-snapshot';
import {
  ActiveCallActions,
  CallerCallActions,
  CallsApiActions,
  CallsSocketActions,
  ClockActions,
  DialBoxActions,
  KeyboardShortcutActions,
  RecentCallsActions,
  RingingCardActions,
  TransferDialogActions,
  type CallControlCommand,
} from './calls.actions';
import { selectListensForIncomingCalls } from './calls.selectors';

/** How long a card that stopped ringing stays in the queue to show why. */
export const ENDED_CARD_LINGER_MS = new InjectionToken<number>('ENDED_CARD_LINGER_MS', {
  providedIn: 'root',
  factory: () => 5_000,
});

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

@Injectable()
export class CallsEffects {
  private readonly actions$ = inject(Actions);
  private readonly store = inject(Store);
  private readonly telephony = inject(TelephonyService);
  private readonly scheduler = inject(EFFECTS_SCHEDULER);
  private readonly endedCardLingerMs = inject(ENDED_CARD_LINGER_MS);

  /**
   * While the agent is online, every incomingCalls$ emission becomes one store update. Keeps
   * listening after going offline until the calls already here have ended, so a call in
   * progress never freezes on screen.
   */
  listenToIncomingCalls$ = createEffect(() =>
    this.store.select(selectListensForIncomingCalls).pipe(
      distinctUntilChanged(),
      switchMap((listening) => (listening ? this.telephony.incomingCalls$ : EMPTY)),
      map((calls) =>
        CallsSocketActions.listReceived({
          calls: calls.map(toCallSnapshot),
          receivedAt: this.scheduler.now(),
        }),
      ),
    ),
  );

  /**
   * exhaustMap: a double click (or click plus shortcut) answers once. The microphone is always
   * on; the camera follows the agent's "Video calls" choice.
   */
  accept$ = createEffect(() =>
    this.actions$.pipe(
      ofType(RingingCardActions.acceptClicked, KeyboardShortcutActions.acceptPressed),
      withLatestFrom(this.store.select(mediaFeature.selectVideoCalls)),
      exhaustMap(([{ callId }, video]) =>
        this.command(callId, (call) => call.answer({ audio: true, video })).pipe(
          map(() => CallsApiActions.acceptSucceeded({ callId })),
          catchError((error: unknown) =>
            of(
              CallsApiActions.acceptFailed({
                callId,
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  /** concatMap: declines reach the server in the order the agent gave them. */
  decline$ = createEffect(() =>
    this.actions$.pipe(
      ofType(RingingCardActions.declineClicked, KeyboardShortcutActions.declinePressed),
      concatMap(({ callId }) =>
        this.command(callId, (call) => call.reject()).pipe(
          map(() => CallsApiActions.declineSucceeded({ callId })),
          catchError((error: unknown) =>
            of(
              CallsApiActions.declineFailed({
                callId,
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  hangUp$ = createEffect(() =>
    this.actions$.pipe(
      ofType(
        ActiveCallActions.hangUpClicked,
        CallerCallActions.hangUpClicked,
        DialBoxActions.hangUpClicked,
        KeyboardShortcutActions.hangUpPressed,
      ),
      concatMap(({ callId }) =>
        this.command(callId, (call) => call.hangup()).pipe(
          map(() => CallsApiActions.hangUpSucceeded({ callId })),
          catchError((error: unknown) =>
            of(
              CallsApiActions.hangUpFailed({
                callId,
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  /** Dials, then follows the placed call's status until it is destroyed. */
  dial$ = createEffect(() =>
    this.actions$.pipe(
      ofType(DialBoxActions.callClicked, RecentCallsActions.callBackClicked),
      withLatestFrom(this.store.select(mediaFeature.selectVideoCalls)),
      exhaustMap(([{ address }, video]) =>
        defer(() => this.telephony.session.dial(address, { media: { audio: true, video } })).pipe(
          // The caller's side changes status, and goes on and off hold during a transfer.
          switchMap((call) =>
            combineLatest([call.status$, call.held$]).pipe(
              map(() => CallsApiActions.outgoingCallUpdated({ call: toCallSnapshot(call) })),
            ),
          ),
          catchError((error: unknown) =>
            of(
              CallsApiActions.dialFailed({
                address,
                reason: errorReason(error),
                message: messageOf(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  /** concatMap for every call-control command: they reach the server in the agent's order. */
  hold$ = createEffect(() =>
    this.actions$.pipe(
      ofType(ActiveCallActions.holdClicked, KeyboardShortcutActions.holdPressed),
      concatMap(({ callId }) =>
        this.controlCall('hold', callId, (call) => call.hold(), CallsApiActions.holdSucceeded),
      ),
    ),
  );

  resume$ = createEffect(() =>
    this.actions$.pipe(
      ofType(ActiveCallActions.resumeClicked, KeyboardShortcutActions.resumePressed),
      concatMap(({ callId }) =>
        this.controlCall(
          'resume',
          callId,
          (call) => call.resume(),
          CallsApiActions.resumeSucceeded,
        ),
      ),
    ),
  );

  blindTransfer$ = createEffect(() =>
    this.actions$.pipe(
      ofType(TransferDialogActions.blindTransferConfirmed),
      concatMap(({ callId, destination, skills }) =>
        this.controlCall(
          'blind-transfer',
          callId,
          (call) =>
            call.transfer(destination.address, { mode: 'blind', ...(skills && { skills }) }),
          CallsApiActions.transferStarted,
        ),
      ),
    ),
  );

  warmTransfer$ = createEffect(() =>
    this.actions$.pipe(
      ofType(TransferDialogActions.warmTransferConfirmed),
      concatMap(({ callId, destination, skills }) =>
        this.controlCall(
          'warm-transfer',
          callId,
          (call) => call.transfer(destination.address, { mode: 'warm', ...(skills && { skills }) }),
          CallsApiActions.transferStarted,
        ),
      ),
    ),
  );

  completeTransfer$ = createEffect(() =>
    this.actions$.pipe(
      ofType(ActiveCallActions.completeTransferClicked),
      concatMap(({ callId }) =>
        this.controlCall(
          'complete-transfer',
          callId,
          (call) => call.completeTransfer(),
          CallsApiActions.transferCompleted,
        ),
      ),
    ),
  );

  cancelTransfer$ = createEffect(() =>
    this.actions$.pipe(
      ofType(ActiveCallActions.cancelTransferClicked),
      concatMap(({ callId }) =>
        this.controlCall(
          'cancel-transfer',
          callId,
          (call) => call.cancelTransfer(),
          CallsApiActions.transferCancelled,
        ),
      ),
    ),
  );

  /** Each ended card leaves the queue once, a few seconds after it stopped ringing. */
  expireEndedCards$ = createEffect(() =>
    this.actions$.pipe(
      ofType(CallsSocketActions.listReceived),
      mergeMap(({ calls }) =>
        calls.filter((call) => call.direction === 'inbound' && call.status !== 'ringing'),
      ),
      filter((call) => hasEnded(call.status) || call.endReason !== null),
      distinct((call) => `${call.id}#${call.attempt}`),
      mergeMap((call) =>
        timer(this.endedCardLingerMs, this.scheduler).pipe(
          map(() =>
            RingingCardActions.endedCardExpired({ callId: call.id, attempt: call.attempt }),
          ),
        ),
      ),
    ),
  );

  /** Drives the wait and talk timers while someone is signed in. */
  tick$ = createEffect(() =>
    this.actions$.pipe(
      ofType(AuthApiActions.signInSucceeded, AuthSessionActions.restored),
      switchMap(() =>
        interval(1000, this.scheduler).pipe(
          takeUntil(
            this.actions$.pipe(ofType(ToolbarActions.signOutClicked, AuthSessionActions.expired)),
          ),
        ),
      ),
      map(() => ClockActions.ticked({ now: this.scheduler.now() })),
    ),
  );

  /** Runs a hold or transfer command; every refusal becomes the one `Call Control Failed`. */
  private controlCall<A extends Action>(
    command: CallControlCommand,
    callId: string,
    run: (call: Call) => Promise<void>,
    succeeded: (props: { callId: string }) => A,
  ) {
    return this.command(callId, run).pipe(
      map(() => succeeded({ callId })),
      catchError((error: unknown) =>
        of(
          CallsApiActions.callControlFailed({
            callId,
            command,
            reason: errorReason(error),
            message: messageOf(error),
          }),
        ),
      ),
    );
  }

  private command(callId: string, run: (call: Call) => Promise<void>) {
    return defer(() => {
      const call = this.telephony.call(callId);
      if (!call) throw new TelephonyError('not-found', `call ${callId} is no longer here`);
      return run(call);
    });
  }
}
