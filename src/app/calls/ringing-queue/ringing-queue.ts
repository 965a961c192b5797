import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Store } from '@ngrx/store';
import { KeyboardShortcutActions, RingingCardActions } from '../calls.actions';
import { selectOldestRingingCallId, selectRingingQueue } from '../calls.selectors';
import { RingingCard } from '../ringing-card/ringing-card';

/** Every ringing call at once, oldest first, plus the Alt+A / Alt+D shortcuts for the oldest. */
@Component({
  selector: 'app-ringing-queue',
  imports: [RingingCard],
  templateUrl: './ringing-queue.html',
  styleUrl: './ringing-queue.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(document:keydown)': 'handleShortcut($event)',
  },
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

  protected handleShortcut(event: KeyboardEvent): void {
    // event.code, not event.key: Alt+A types "å" on some layouts.
    if (!event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    const callId = this.oldestRingingCallId();
    if (!callId) return;
    if (event.code === 'KeyA') {
      event.preventDefault();
      this.store.dispatch(KeyboardShortcutActions.acceptPressed({ callId }));
    } else if (event.code === 'KeyD') {
      event.preventDefault();
      this.store.dispatch(KeyboardShortcutActions.declinePressed({ callId }));
    }
  }
}
