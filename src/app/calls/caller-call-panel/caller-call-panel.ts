import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { Store } from '@ngrx/store';
import { CallMedia } from '../../media/call-media/call-media';
import { MediaControls } from '../../media/media-controls/media-controls';
import { formatDuration, isPhoneNumber } from '../call-outcome';
import { CallerCallActions } from '../calls.actions';
import { selectOutgoingCall } from '../calls.selectors';

/**
 * The call this console placed, as its caller lives it: whom it called, who answered (or put
 * them on hold), the call's state and time, its audio and video, and the same control bar as
 * the agent's desk (microphone, camera, devices, hang up). It takes the centre of the console
 * like an answered call; the Call box keeps only the form.
 */
@Component({
  selector: 'app-caller-call-panel',
  imports: [MatButtonModule, MatCardModule, CallMedia, MediaControls],
  templateUrl: './caller-call-panel.html',
  styleUrl: './caller-call-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CallerCallPanel {
  private readonly store = inject(Store);

  protected readonly call = this.store.selectSignal(selectOutgoingCall);
  protected readonly time = computed(() => formatDuration(this.call()?.seconds ?? 0));
  /** A phone callee gets the in-call keypad. */
  protected readonly isPhoneNumber = isPhoneNumber;

  protected hangUp(callId: string): void {
    this.store.dispatch(CallerCallActions.hangUpClicked({ callId }));
  }

  protected close(): void {
    this.store.dispatch(CallerCallActions.closeClicked());
  }
}
