import { LiveAnnouncer } from '@angular/cdk/a11y';
import { inject, Injectable } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { distinctUntilChanged, map, pairwise, startWith, tap } from 'rxjs';
import { AuthSessionActions, ToolbarActions } from '../auth/auth.actions';
import { selectRingingCalls } from '../calls/calls.selectors';
import { OnlineToggleActions } from '../session/session.actions';
import { RingNotifier } from './ring-notifier';
import { Ringtone } from './ringtone';
import { TitleFlasher } from './title-flasher';

/** Everything that makes a ringing call noticeable: sound, title, notification, announcement. */
@Injectable()
export class AlertingEffects {
  private readonly actions$ = inject(Actions);
  private readonly store = inject(Store);
  private readonly ringtone = inject(Ringtone);
  private readonly notifier = inject(RingNotifier);
  private readonly titleFlasher = inject(TitleFlasher);
  private readonly announcer = inject(LiveAnnouncer);
  private readonly ringing$ = this.store.select(selectRingingCalls);

  /** The "Come online" click is the user gesture that lets the ringtone play later. */
  unlockOnComeOnline$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(OnlineToggleActions.comeOnlineToggled),
        tap(() => {
          this.ringtone.unlock();
          this.notifier.requestPermission();
        }),
      ),
    { dispatch: false },
  );

  ringtone$ = createEffect(
    () =>
      this.ringing$.pipe(
        map((calls) => calls.length > 0),
        distinctUntilChanged(),
        tap((ringing) => (ringing ? this.ringtone.start() : this.ringtone.stop())),
      ),
    { dispatch: false },
  );

  flashTitle$ = createEffect(
    () =>
      this.ringing$.pipe(
        map((calls) => (calls.length === 0 ? null : `☎ ${calls[0].from.name} is calling`)),
        distinctUntilChanged(),
        tap((message) => (message ? this.titleFlasher.start(message) : this.titleFlasher.stop())),
      ),
    { dispatch: false },
  );

  /** Announces and notifies each call once when it starts ringing; closes its notification when it stops. */
  announceNewCalls$ = createEffect(
    () =>
      this.ringing$.pipe(
        startWith([]),
        pairwise(),
        tap(([before, now]) => {
          const previous = new Set(before.map((call) => call.id));
          const current = new Set(now.map((call) => call.id));
          for (const call of now.filter((c) => !previous.has(c.id))) {
            const via = call.ringGroup ? ` for ${call.ringGroup.name}` : '';
            void this.announcer.announce(`Incoming call from ${call.from.name}${via}`, 'assertive');
            this.notifier.notify({
              callId: call.id,
              callerName: call.from.name,
              callerAddress: call.from.address,
              ringGroupName: call.ringGroup?.name ?? null,
            });
          }
          for (const id of previous) if (!current.has(id)) this.notifier.close(id);
        }),
      ),
    { dispatch: false },
  );

  silenceOnSignOut$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(ToolbarActions.signOutClicked, AuthSessionActions.expired),
        tap(() => {
          this.ringtone.stop();
          this.titleFlasher.stop();
          for (const id of this.notifier.openCallIds) this.notifier.close(id);
        }),
      ),
    { dispatch: false },
  );
}
