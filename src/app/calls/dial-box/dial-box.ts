import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Store } from '@ngrx/store';
import { DialBoxActions } from '../calls.actions';
import { callsFeature } from '../calls.feature';
import { selectOutgoingCall } from '../calls.selectors';

/**
 * Places a call to an agent, a group (e.g. `/group/support`) or a phone number (through LiveKit
 * SIP on the server). The placed call itself is followed in the centre of the console
 * (`app-caller-call-panel`), where an answered call would be.
 */
@Component({
  selector: 'app-dial-box',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
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
  private readonly outgoing = this.store.selectSignal(selectOutgoingCall);
  protected readonly dialing = this.store.selectSignal(callsFeature.selectDialing);
  protected readonly dialError = this.store.selectSignal(callsFeature.selectDialError);
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
}
