import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { Store } from '@ngrx/store';
import { MediaControlsActions } from '../media.actions';
import { mediaFeature } from '../media.feature';
import type { MediaDeviceKindName } from '../media-state';
import { speakerSelectionSupported } from '../media-stream';

/** Microphone and camera switches, and the device choices, for one call. */
@Component({
  selector: 'app-media-controls',
  imports: [MatButtonModule, MatFormFieldModule, MatSelectModule],
  templateUrl: './media-controls.html',
  styleUrl: './media-controls.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MediaControls {
  private readonly store = inject(Store);

  readonly callId = input.required<string>();

  private readonly entities = this.store.selectSignal(mediaFeature.selectCallMediaEntities);
  protected readonly media = computed(() => this.entities()[this.callId()] ?? null);
  protected readonly microphones = this.store.selectSignal(mediaFeature.selectMicrophones);
  protected readonly cameras = this.store.selectSignal(mediaFeature.selectCameras);
  protected readonly speakers = this.store.selectSignal(mediaFeature.selectSpeakers);
  protected readonly speakerSelection = speakerSelectionSupported();
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

  protected chooseDevice(kind: MediaDeviceKindName, deviceId: string): void {
    this.store.dispatch(
      MediaControlsActions.deviceChosen({ callId: this.callId(), kind, deviceId }),
    );
  }
}
