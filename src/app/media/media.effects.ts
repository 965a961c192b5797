import { inject, Injectable } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { catchError, concatMap, defer, filter, ignoreElements, merge, of, tap } from 'rxjs';
import { DialBoxActions, KeyboardShortcutActions } from '../calls/calls.actions';
import { TelephonyEvents } from '../session/session.actions';
import { CallMediaService } from './call-media.service';
import { KeypadActions, MediaApiActions, MediaControlsActions } from './media.actions';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

@Injectable()
export class MediaEffects {
  private readonly actions$ = inject(Actions);
  private readonly media = inject(CallMediaService);

  /**
   * The agent came online (or placed a call): load livekit-client and the media components (the
   * chunk the call panels' `@defer` blocks load) now, so that answering waits for neither.
   */
  prefetch$ = createEffect(
    () =>
      merge(
        this.actions$.pipe(
          ofType(TelephonyEvents.registrationChanged),
          filter(({ registered }) => registered),
        ),
        this.actions$.pipe(ofType(DialBoxActions.callClicked)),
      ).pipe(
        tap(() => {
          void this.media.prefetch();
          import('./call-media/call-media').catch((error: unknown) =>
            console.warn('[media] prefetching the media components failed', error),
          );
        }),
      ),
    { dispatch: false },
  );

  /** What the media engine reports about each call's room goes to the store as it happens. */
  reports$ = createEffect(() => this.media.events$);

  /** concatMap: mute and unmute reach the room in the order the agent clicked. */
  microphone$ = createEffect(() =>
    this.actions$.pipe(
      ofType(
        MediaControlsActions.muteMicrophoneClicked,
        MediaControlsActions.unmuteMicrophoneClicked,
        KeyboardShortcutActions.muteMicrophonePressed,
        KeyboardShortcutActions.unmuteMicrophonePressed,
      ),
      concatMap((action) => {
        const enabled =
          action.type === MediaControlsActions.unmuteMicrophoneClicked.type ||
          action.type === KeyboardShortcutActions.unmuteMicrophonePressed.type;
        return this.control(
          action.callId,
          enabled ? 'unmute the microphone' : 'mute the microphone',
          () => this.media.setMicrophoneEnabled(action.callId, enabled),
        );
      }),
    ),
  );

  camera$ = createEffect(() =>
    this.actions$.pipe(
      ofType(MediaControlsActions.turnCameraOnClicked, MediaControlsActions.turnCameraOffClicked),
      concatMap((action) => {
        const enabled = action.type === MediaControlsActions.turnCameraOnClicked.type;
        return this.control(
          action.callId,
          enabled ? 'turn the camera on' : 'turn the camera off',
          () => this.media.setCameraEnabled(action.callId, enabled),
        );
      }),
    ),
  );

  device$ = createEffect(() =>
    this.actions$.pipe(
      ofType(MediaControlsActions.deviceChosen),
      concatMap(({ callId, kind, deviceId }) =>
        this.control(callId, `switch the ${deviceNoun[kind]}`, () =>
          this.media.switchDevice(callId, kind, deviceId),
        ),
      ),
    ),
  );

  /** concatMap: digits reach the other side in the order the agent pressed them. */
  keypad$ = createEffect(() =>
    this.actions$.pipe(
      ofType(KeypadActions.digitPressed),
      concatMap(({ callId, digit }) =>
        this.control(callId, `send the digit ${digit}`, () => this.media.sendDtmf(callId, digit)),
      ),
    ),
  );

  /** Runs one control; the room's own report brings the new state, so success dispatches nothing. */
  private control(callId: string, what: string, run: () => Promise<void>) {
    return defer(run).pipe(
      ignoreElements(),
      catchError((error: unknown) =>
        of(
          MediaApiActions.controlFailed({
            callId,
            message: `Could not ${what}: ${messageOf(error)}`,
          }),
        ),
      ),
    );
  }
}

const deviceNoun = {
  audioinput: 'microphone',
  videoinput: 'camera',
  audiooutput: 'speaker',
} as const;
