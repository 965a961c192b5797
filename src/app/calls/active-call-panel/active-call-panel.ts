import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { Store } from '@ngrx/store';
import { CallMedia } from '../../media/call-media/call-media';
import { formatDuration } from '../call-outcome';
import { ActiveCallActions } from '../calls.actions';
import { selectActiveCall } from '../calls.selectors';

/** The call this agent is on: caller, status, talk time, its audio and video, and the way out. */
@Component({
  selector: 'app-active-call-panel',
  imports: [MatButtonModule, MatCardModule, CallMedia],
  templateUrl: './active-call-panel.html',
  styleUrl: './active-call-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActiveCallPanel {
  private readonly store = inject(Store);

  protected readonly call = this.store.selectSignal(selectActiveCall);
  protected readonly talkTime = computed(() => formatDuration(this.call()?.talkSeconds ?? 0));

  protected hangUp(callId: string): void {
    this.store.dispatch(ActiveCallActions.hangUpClicked({ callId }));
  }
}
