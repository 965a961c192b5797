import { inject, Injectable } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store, type Action } from '@ngrx/store';
import type { MonitorMode } from '../../../protocol/supervisor-protocol';
import {
  catchError,
  concat,
  defer,
  exhaustMap,
  interval,
  map,
  mergeMap,
  of,
  retry,
  switchMap,
  takeUntil,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { TokenStorage } from '../auth/token-storage';
import { EFFECTS_SCHEDULER } from '../shared/scheduler';
import { apiErrorMessage, SupervisorApi } from './supervisor-api';
import { FeedRefusedError, SupervisorFeedService } from './supervisor-feed.service';
import { SupervisorMonitor } from './supervisor-monitor';
import {
  SupervisorApiActions,
  SupervisorClockActions,
  SupervisorFeedActions,
  SupervisorPageActions,
} from './supervisor.actions';

/** Between reconnect attempts after the feed dropped (not after a refusal). */
export const FEED_RETRY_MS = 2000;
export const CLOCK_TICK_MS = 1000;

@Injectable()
export class SupervisorEffects {
  private readonly actions$ = inject(Actions);
  private readonly store = inject(Store);
  private readonly feed = inject(SupervisorFeedService);
  private readonly api = inject(SupervisorApi);
  private readonly monitor = inject(SupervisorMonitor);
  private readonly storage = inject(TokenStorage);
  private readonly scheduler = inject(EFFECTS_SCHEDULER);
  private readonly snackBar = inject(MatSnackBar);
  private readonly pageClosed$ = this.actions$.pipe(ofType(SupervisorPageActions.closed));

  /** While the page is open: the feed's frames as actions, reconnecting after drops. */
  watchFeed$ = createEffect(() =>
    this.actions$.pipe(
      ofType(SupervisorPageActions.opened),
      switchMap(() => {
        const token = this.storage.read()?.token;
        if (!token) return of(SupervisorFeedActions.refused({ message: 'You are not signed in.' }));
        return this.feed.connect(token).pipe(
          map((frame) =>
            frame.type === 'supervisor.snapshot'
              ? SupervisorFeedActions.snapshotReceived({ snapshot: frame })
              : SupervisorFeedActions.changesReceived({ changes: frame }),
          ),
          catchError((error: unknown) =>
            error instanceof FeedRefusedError
              ? of(SupervisorFeedActions.refused({ message: error.message }))
              : // Report the drop, then fail again so `retry` reconnects after a pause.
                concat(
                  of(SupervisorFeedActions.connectionLost({ message: apiErrorMessage(error) })),
                  throwError(() => error),
                ),
          ),
          retry({ delay: () => timer(FEED_RETRY_MS, this.scheduler) }),
          takeUntil(this.pageClosed$),
        );
      }),
    ),
  );

  /** One clock for every ticking timer on the page. */
  tick$ = createEffect(() =>
    this.actions$.pipe(
      ofType(SupervisorPageActions.opened),
      switchMap(() =>
        interval(CLOCK_TICK_MS, this.scheduler).pipe(
          map(() => SupervisorClockActions.ticked({ now: this.scheduler.now() })),
          takeUntil(this.pageClosed$),
        ),
      ),
    ),
  );

  /** Force-away requests for different agents run side by side; the feed shows the result. */
  forceAway$ = createEffect(() =>
    this.actions$.pipe(
      ofType(SupervisorPageActions.forceAwayClicked),
      mergeMap(({ userId }) =>
        this.api.forcePresence(userId, 'away').pipe(
          map(() => SupervisorApiActions.forceAwaySucceeded({ userId })),
          catchError((error: unknown) =>
            of(SupervisorApiActions.forceAwayFailed({ userId, message: apiErrorMessage(error) })),
          ),
        ),
      ),
    ),
  );

  /** Monitor, whisper or barge; exhaustMap: a double click joins once. Switching rejoins. */
  monitor$ = createEffect(() =>
    this.actions$.pipe(
      ofType(
        SupervisorPageActions.monitorClicked,
        SupervisorPageActions.whisperClicked,
        SupervisorPageActions.bargeClicked,
      ),
      exhaustMap((action) =>
        this.api.monitor(action.callId, modeOf(action)).pipe(
          switchMap((credentials) =>
            defer(() =>
              this.monitor.join(
                credentials,
                // The room ends long after this effect emitted: a LiveKit callback, not a stream.
                // eslint-disable-next-line @ngrx/no-dispatch-in-effects
                () => this.store.dispatch(SupervisorApiActions.monitorEnded()),
                action.callId,
              ),
            ),
          ),
          map(() => SupervisorApiActions.monitorJoined({ callId: action.callId })),
          catchError((error: unknown) =>
            of(
              SupervisorApiActions.monitorFailed({
                callId: action.callId,
                message: apiErrorMessage(error),
              }),
            ),
          ),
        ),
      ),
    ),
  );

  /**
   * Pull a waiting call to one agent. Different calls go side by side (mergeMap); the button of
   * a call with a request in flight is disabled, so one call is not assigned twice.
   */
  assign$ = createEffect(() =>
    this.actions$.pipe(
      ofType(SupervisorPageActions.assignClicked),
      mergeMap(({ callId, userId }) =>
        this.api.assign(callId, userId).pipe(
          map((call) => SupervisorApiActions.assignSucceeded({ call })),
          catchError((error: unknown) =>
            of(SupervisorApiActions.assignFailed({ callId, message: apiErrorMessage(error) })),
          ),
        ),
      ),
    ),
  );

  /** Every failed supervisor action is reported the same way: one snackbar with the reason. */
  reportActionErrors$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(
          SupervisorApiActions.forceAwayFailed,
          SupervisorApiActions.monitorFailed,
          SupervisorApiActions.assignFailed,
        ),
        tap(({ message }) => this.snackBar.open(message, 'Dismiss', { duration: 8000 })),
      ),
    { dispatch: false },
  );

  leaveMonitor$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(SupervisorPageActions.stopMonitoringClicked, SupervisorPageActions.closed),
        tap(() => void this.monitor.leave()),
      ),
    { dispatch: false },
  );
}

function modeOf(action: Action): MonitorMode {
  if (action.type === SupervisorPageActions.whisperClicked.type) return 'whisper';
  if (action.type === SupervisorPageActions.bargeClicked.type) return 'barge';
  return 'monitor';
}
