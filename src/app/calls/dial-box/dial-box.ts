import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Store } from '@ngrx/store';
import { CallMedia } from '../../media/call-media/call-media';
import { formatDuration, isPhoneNumber } from '../call-outcome';
import { DialBoxActions } from '../calls.actions';
import { callsFeature } from '../calls.feature';
import { selectOutgoingCall } from '../calls.selectors';

/**
 * Places a call to an agent, a group (e.g. `/group/support`) or a phone number (through LiveKit
 * SIP on the server) and follows it from the caller's side.
 */
@Component({
  selector: 'app-dial-box',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    CallMedia,
  ],
  templateUrl: './dial-box.html',
  styleUrl: './dial-box.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DialBox {
  private readonly store = inject(Store);

  protected readonly form = new FormGroup({
    address: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly outgoing = this.store.selectSignal(selectOutgoingCall);
  protected readonly dialing = this.store.selectSignal(callsFeature.selectDialing);
  protected readonly dialError = this.store.selectSignal(callsFeature.selectDialError);
  protected readonly timer = computed(() => formatDuration(this.outgoing()?.seconds ?? 0));
  protected readonly callDisabled = computed(
    () => this.dialing() || (this.outgoing()?.live ?? false),
  );

  protected placeCall(): void {
    const address = this.form.controls.address.value.trim();
    if (!address || this.callDisabled()) {
      this.form.markAllAsTouched();
      return;
    }
    this.store.dispatch(DialBoxActions.callClicked({ address }));
  }

  /** A phone (E.164, as the server gives phone parties) gets the in-call keypad. */
  protected readonly isPhoneNumber = isPhoneNumber;

  protected hangUp(callId: string): void {
    this.store.dispatch(DialBoxActions.hangUpClicked({ callId }));
  }
}
