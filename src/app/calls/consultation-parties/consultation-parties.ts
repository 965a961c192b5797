import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Store } from '@ngrx/store';
import { ActiveCallActions } from '../calls.actions';
import type { ActiveCallView } from '../calls.selectors';

/**
 * A warm transfer as the consulting agent runs it: one row per party, each with its own
 * controls — the customer (on hold: Resume takes them back and ends the consultation, Hang up
 * ends their call) and the consulted agent (Hang up ends the consultation, the customer comes
 * back) — then "Complete transfer" and "Cancel consultation", each saying what it does to whom.
 * Shown only while a warm transfer is under way (not once it failed: the call is the agent's
 * again).
 */
@Component({
  selector: 'app-consultation-parties',
  imports: [MatButtonModule],
  templateUrl: './consultation-parties.html',
  styleUrl: './consultation-parties.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConsultationParties {
  private readonly store = inject(Store);

  readonly call = input.required<ActiveCallView>();

  protected readonly consultation = computed(() => {
    const transfer = this.call().transfer;
    return transfer?.mode === 'warm' && transfer.status !== 'failed' ? transfer : null;
  });

  /** Off hold during a consultation is the consultation's end: the server allows no other way. */
  protected resumeCustomer(): void {
    this.store.dispatch(ActiveCallActions.cancelTransferClicked({ callId: this.call().callId }));
  }

  protected hangUpCustomer(): void {
    this.store.dispatch(ActiveCallActions.hangUpClicked({ callId: this.call().callId }));
  }

  protected hangUpConsultedAgent(consultationCallId: string): void {
    this.store.dispatch(ActiveCallActions.hangUpClicked({ callId: consultationCallId }));
  }

  protected completeTransfer(): void {
    this.store.dispatch(ActiveCallActions.completeTransferClicked({ callId: this.call().callId }));
  }

  protected cancelConsultation(): void {
    this.store.dispatch(ActiveCallActions.cancelTransferClicked({ callId: this.call().callId }));
  }
}
