import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { formatDuration } from '../call-outcome';
import type { RingingCardView } from '../calls.selectors';

/** One call in the queue: who is calling, for which group, for how long, and what happened. */
@Component({
  selector: 'app-ringing-card',
  imports: [MatButtonModule, MatCardModule],
  templateUrl: './ringing-card.html',
  styleUrl: './ringing-card.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[class.ended]': '!card().ringing',
    '[attr.data-call-id]': 'card().callId',
  },
})
export class RingingCard {
  readonly card = input.required<RingingCardView>();
  /** Shows the keyboard shortcuts on the card they would act on. */
  readonly oldest = input(false);
  readonly accept = output<string>();
  readonly decline = output<string>();

  protected readonly waitText = computed(() => formatDuration(this.card().waitSeconds));
  protected readonly actionsDisabled = computed(() => !this.card().ringing || this.card().busy);
  protected readonly titleId = computed(() => `ringing-card-title-${this.card().callId}`);

  protected acceptCall(): void {
    this.accept.emit(this.card().callId);
  }

  protected declineCall(): void {
    this.decline.emit(this.card().callId);
  }
}
