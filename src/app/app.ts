import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Store } from '@ngrx/store';
import { ToolbarActions } from './auth/auth.actions';
import { authFeature } from './auth/auth.feature';
import { sessionFeature } from './session/session.feature';

/** The shell: toolbar with who is signed in and the connection, then the routed page. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatToolbarModule, MatButtonModule],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  private readonly store = inject(Store);

  protected readonly user = this.store.selectSignal(authFeature.selectUser);
  /** Reports are for supervisors and admins (the server refuses agents too). */
  protected readonly supervising = computed(() =>
    ['supervisor', 'admin'].includes(this.user()?.role ?? ''),
  );
  /** The admin console is for admins (the server refuses everyone else). */
  protected readonly administering = computed(() => this.user()?.role === 'admin');
  protected readonly connectionState = this.store.selectSignal(
    sessionFeature.selectConnectionState,
  );
  protected readonly connectionLabel = computed(
    () =>
      ({
        connecting: 'Connecting',
        online: 'Connected',
        reconnecting: 'Reconnecting',
        offline: 'Disconnected',
      })[this.connectionState()],
  );

  /**
   * Said in words while the console cannot reach call control: calls do not ring here then,
   * and what the agent does waits for the connection (the SDK reconnects by itself).
   */
  protected readonly connectionProblem = computed(() => {
    switch (this.connectionState()) {
      case 'reconnecting':
        return 'Connection lost: reconnecting… Calls do not ring here until it is back; a call in progress keeps its audio and video.';
      case 'offline':
        return 'Offline: not connected to Switchboard. Calls do not ring here.';
      default:
        return null;
    }
  });

  protected signOut(): void {
    this.store.dispatch(ToolbarActions.signOutClicked());
  }
}
