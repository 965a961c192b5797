import type { Injector } from '@angular/core';
import type { DeviceSettingsData } from './device-settings';

/**
 * Opens the audio and video settings, loading the dialog (and Material's dialog) on first use:
 * the initial bundle has a budget (bench:console). `callId`: the call whose devices switch at
 * once (null outside a call: the choice is for the next calls).
 */
export async function openDeviceSettings(injector: Injector, callId: string | null): Promise<void> {
  const [{ MatDialog }, { DeviceSettings }] = await Promise.all([
    import('@angular/material/dialog'),
    import('./device-settings'),
  ]);
  const dialog = injector.get(MatDialog);
  if (dialog.openDialogs.some((open) => open.componentInstance instanceof DeviceSettings)) return;
  dialog.open<InstanceType<typeof DeviceSettings>, DeviceSettingsData>(DeviceSettings, {
    data: { callId },
    width: '440px',
    maxWidth: 'calc(100vw - 24px)',
    autoFocus: 'first-tabbable',
    ariaLabelledBy: 'device-settings-title',
  });
}
