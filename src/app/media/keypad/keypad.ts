import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Store } from '@ngrx/store';
import { KeypadActions } from '../media.actions';
import { mediaFeature } from '../media.feature';
import { KEYPAD_DIGITS } from '../media-state';

/**
 * The in-call keypad of a phone call: each key sends its digit as DTMF (a menu, a PIN), and the
 * digits the phone sent are shown, so an agent sees what the caller typed.
 */
@Component({
  selector: 'app-keypad',
  imports: [MatButtonModule],
  templateUrl: './keypad.html',
  styleUrl: './keypad.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Keypad {
  private readonly store = inject(Store);

  readonly callId = input.required<string>();

  protected readonly digits = KEYPAD_DIGITS;
  private readonly entities = this.store.selectSignal(mediaFeature.selectCallMediaEntities);
  private readonly media = computed(() => this.entities()[this.callId()] ?? null);
  protected readonly digitsSent = computed(() => this.media()?.digitsSent ?? '');
  protected readonly digitsReceived = computed(() => this.media()?.digitsReceived ?? '');
  /** Digits travel in the call's room: wait until there is one. */
  protected readonly disabled = computed(() => {
    const connection = this.media()?.connection;
    return connection !== 'connected' && connection !== 'reconnecting';
  });

  protected pressDigit(digit: string): void {
    this.store.dispatch(KeypadActions.digitPressed({ callId: this.callId(), digit }));
  }
}
