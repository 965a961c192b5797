import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Store } from '@ngrx/store';
import { RingingCardActions } from '../calls.actions';
import { selectOldestRingingCallId, selectRingingQueue } from '../calls.selectors';
import { RingingCard } from '../ringing-card/ringing-card';

/**
 * Every ringing call at once, oldest first. Its Alt+A / Alt+D shortcuts (for the oldest) are
 * handled with the desk's other keys by DeskKeyboard.
 */
@Component({
  selector: 'app-ringing-queue',
  imports: [RingingCard],
  templateUrl: './ringing-queue.html',
  styleUrl: './ringing-queue.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RingingQueue {
  private readonly store = inject(Store);

  protected readonly cards = this.store.selectSignal(selectRingingQueue);
  protected readonly oldestRingingCallId = this.store.selectSignal(selectOldestRingingCallId);
  protected readonly ringingCount = computed(
    () => this.cards().filter((card) => card.ringing).length,
  );

  protected acceptCall(callId: string): void {
    this.store.dispatch(RingingCardActions.acceptClicked({ callId }));
  }

  protected declineCall(callId: string): void {
    this.store.dispatch(RingingCardActions.declineClicked({ callId }));
  }
}
