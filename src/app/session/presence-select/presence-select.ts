import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule, type MatSelectChange } from '@angular/material/select';
import { Store } from '@ngrx/store';
import type { Presence, SelectablePresence } from '@switchboard/telephony';
import { PresenceSelectActions } from '../session.actions';
import { sessionFeature } from '../session.feature';

interface PresenceOption {
  value: Presence;
  label: string;
  /** Busy and offline follow from facts (a call, no tab online); nobody picks them. */
  selectable: boolean;
}

export const presenceOptions: readonly PresenceOption[] = [
  { value: 'available', label: 'Available', selectable: true },
  { value: 'away', label: 'Away', selectable: true },
  { value: 'wrap-up', label: 'Wrap-up', selectable: true },
  { value: 'busy', label: 'Busy (on a call)', selectable: false },
  { value: 'offline', label: 'Offline', selectable: false },
];

@Component({
  selector: 'app-presence-select',
  imports: [MatFormFieldModule, MatSelectModule],
  templateUrl: './presence-select.html',
  styleUrl: './presence-select.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PresenceSelect {
  private readonly store = inject(Store);

  protected readonly presence = this.store.selectSignal(sessionFeature.selectPresence);
  protected readonly registered = this.store.selectSignal(sessionFeature.selectRegistered);
  protected readonly options = presenceOptions;
  protected readonly locked = computed(() => !this.registered() || this.presence() === 'busy');

  protected choosePresence(change: MatSelectChange<Presence>): void {
    const option = presenceOptions.find((o) => o.value === change.value);
    if (option?.selectable) {
      this.store.dispatch(
        PresenceSelectActions.presenceChosen({ presence: change.value as SelectablePresence }),
      );
    }
  }
}
