import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  computed,
  inject,
  input,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Store } from '@ngrx/store';
import { MediaControlsActions } from '../media.actions';
import { mediaFeature } from '../media.feature';
import { openDeviceSettings } from '../device-settings/open-device-settings';

/** Microphone and camera switches for one call, and the way to its device settings. */
@Component({
  selector: 'app-media-controls',
  imports: [MatButtonModule],
  templateUrl: './media-controls.html',
  styleUrl: './media-controls.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.in-bar]': 'inBar()' },
})
export class MediaControls {
  private readonly store = inject(Store);
  private readonly injector = inject(Injector);

  readonly callId = input.required<string>();
  /** The buttons join the surrounding control bar (its flex row) instead of a row of their own. */
  readonly inBar = input(false);

  private readonly entities = this.store.selectSignal(mediaFeature.selectCallMediaEntities);
  protected readonly media = computed(() => this.entities()[this.callId()] ?? null);
  /** Controls act on a room: wait until there is one. */
  protected readonly disabled = computed(() => {
    const connection = this.media()?.connection;
    return connection !== 'connected' && connection !== 'reconnecting';
  });

  protected muteMicrophone(): void {
    this.store.dispatch(MediaControlsActions.muteMicrophoneClicked({ callId: this.callId() }));
  }

  protected unmuteMicrophone(): void {
    this.store.dispatch(MediaControlsActions.unmuteMicrophoneClicked({ callId: this.callId() }));
  }

  protected turnCameraOff(): void {
    this.store.dispatch(MediaControlsActions.turnCameraOffClicked({ callId: this.callId() }));
  }

  protected turnCameraOn(): void {
    this.store.dispatch(MediaControlsActions.turnCameraOnClicked({ callId: this.callId() }));
  }

  protected openDeviceSettings(): Promise<void> {
    return openDeviceSettings(this.injector, this.callId());
  }
}
