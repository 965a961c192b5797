import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatSlideToggleModule, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import { Store } from '@ngrx/store';
import { VideoPreferenceActions } from '../media.actions';
import { mediaFeature } from '../media.feature';

/** Whether this agent answers and places calls with the camera on. */
@Component({
  selector: 'app-video-calls-toggle',
  imports: [MatSlideToggleModule],
  templateUrl: './video-calls-toggle.html',
  styleUrl: './video-calls-toggle.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VideoCallsToggle {
  private readonly store = inject(Store);

  protected readonly videoCalls = this.store.selectSignal(mediaFeature.selectVideoCalls);

  protected chooseVideoCalls(change: MatSlideToggleChange): void {
    this.store.dispatch(
      change.checked
        ? VideoPreferenceActions.videoCallsTurnedOn()
        : VideoPreferenceActions.videoCallsTurnedOff(),
    );
  }
}
