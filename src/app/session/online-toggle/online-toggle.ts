import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatSlideToggleModule, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import { Store } from '@ngrx/store';
import { OnlineToggleActions } from '../session.actions';
import { sessionFeature } from '../session.feature';
import { selectStatusLine } from '../status-line';

const connectionTexts = {
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Connection lost, reconnecting…',
  offline: 'Not connected',
} as const;

@Component({
  selector: 'app-online-toggle',
  imports: [MatSlideToggleModule],
  templateUrl: './online-toggle.html',
  styleUrl: './online-toggle.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OnlineToggle {
  private readonly store = inject(Store);

  protected readonly wantsOnline = this.store.selectSignal(sessionFeature.selectWantsOnline);
  protected readonly registered = this.store.selectSignal(sessionFeature.selectRegistered);
  protected readonly addresses = this.store.selectSignal(sessionFeature.selectAddresses);
  protected readonly connectionState = this.store.selectSignal(
    sessionFeature.selectConnectionState,
  );
  protected readonly error = this.store.selectSignal(sessionFeature.selectError);
  protected readonly connectionText = computed(() => connectionTexts[this.connectionState()]);
  /** One sentence that is true now: the call in progress, or whether calls ring here. */
  protected readonly statusText = this.store.selectSignal(selectStatusLine);

  protected toggleOnline(change: MatSlideToggleChange): void {
    this.store.dispatch(
      change.checked
        ? OnlineToggleActions.comeOnlineToggled()
        : OnlineToggleActions.goOfflineToggled(),
    );
  }
}
