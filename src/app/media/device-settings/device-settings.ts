import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { Store } from '@ngrx/store';
import { DevicePreferences } from '../device-preferences';
import { DeviceSettingsActions } from '../media.actions';
import { mediaFeature } from '../media.feature';
import type { DeviceOption, MediaDeviceKindName } from '../media-state';
import { speakerSelectionSupported } from '../media-stream';

export interface DeviceSettingsData {
  /** The call whose devices switch at once; null outside a call. */
  callId: string | null;
}

const nouns: Record<MediaDeviceKindName, string> = {
  audioinput: 'Microphone',
  videoinput: 'Camera',
  audiooutput: 'Speaker',
};

/**
 * Audio and video settings: the microphone, camera and speaker, for the current call (switched
 * at once) and for the next ones (remembered in this browser). Outside a call nobody has listed
 * the devices yet, so the dialog lists them itself, asking for the microphone and camera once
 * (without that the browser hides their names).
 */
@Component({
  selector: 'app-device-settings',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatSelectModule],
  templateUrl: './device-settings.html',
  styleUrl: './device-settings.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeviceSettings {
  private readonly store = inject(Store);
  private readonly preferences = inject(DevicePreferences);
  protected readonly data = inject<DeviceSettingsData>(MAT_DIALOG_DATA);

  private readonly devices = this.store.selectSignal(mediaFeature.selectDevices);
  private readonly media = this.store.selectSignal(mediaFeature.selectCallMediaEntities);
  private readonly remembered = signal(this.preferences.read());
  protected readonly listingError = signal<string | null>(null);

  protected readonly kinds = computed(() =>
    (['audioinput', 'videoinput', 'audiooutput'] as const)
      .filter((kind) => kind !== 'audiooutput' || speakerSelectionSupported())
      .map((kind) => ({
        kind,
        noun: nouns[kind],
        devices: this.devices().filter((device) => device.kind === kind),
        selected: this.selected(kind),
      })),
  );

  constructor() {
    if (this.devices().length === 0) void this.listDevices();
  }

  protected choose(kind: MediaDeviceKindName, deviceId: string): void {
    this.remembered.update((remembered) => ({ ...remembered, [kind]: deviceId }));
    this.store.dispatch(
      DeviceSettingsActions.deviceChosen({ kind, deviceId, callId: this.data.callId }),
    );
  }

  /** In a call, what the call really uses; else the remembered choice, else the default. */
  private selected(kind: MediaDeviceKindName): string {
    const inCall = this.data.callId ? this.media()[this.data.callId]?.activeDevices[kind] : null;
    return inCall ?? this.remembered()[kind] ?? 'default';
  }

  private async listDevices(): Promise<void> {
    try {
      const capture = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      for (const track of capture.getTracks()) track.stop();
      const counters: Record<MediaDeviceKindName, number> = {
        audioinput: 0,
        videoinput: 0,
        audiooutput: 0,
      };
      const devices: DeviceOption[] = (await navigator.mediaDevices.enumerateDevices())
        .filter((device) => device.deviceId && device.kind in counters)
        .map((device) => {
          const kind: MediaDeviceKindName = device.kind;
          return {
            kind,
            deviceId: device.deviceId,
            label: device.label || `${nouns[kind]} ${++counters[kind]}`,
          };
        });
      this.store.dispatch(DeviceSettingsActions.devicesListed({ devices }));
    } catch (error) {
      this.listingError.set(
        `Could not list your devices: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
