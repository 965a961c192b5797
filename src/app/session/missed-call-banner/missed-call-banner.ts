import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Store } from '@ngrx/store';
import { MissedCallBannerActions } from '../session.actions';
import { sessionFeature } from '../session.feature';

/**
 * "Missed": a call rang out here, so the server stopped ringing this agent (presence away).
 * One click makes the agent available again.
 */
@Component({
  selector: 'app-missed-call-banner',
  imports: [MatButtonModule],
  templateUrl: './missed-call-banner.html',
  styleUrl: './missed-call-banner.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MissedCallBanner {
  private readonly store = inject(Store);
  protected readonly notReady = this.store.selectSignal(sessionFeature.selectNotReady);

  protected comeBack(): void {
    this.store.dispatch(MissedCallBannerActions.backClicked());
  }
}
