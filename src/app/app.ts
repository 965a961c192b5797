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

  protected signOut(): void {
    this.store.dispatch(ToolbarActions.signOutClicked());
  }
}
