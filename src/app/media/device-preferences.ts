import { Injectable } from '@angular/core';
import type { MediaDeviceKindName } from './media-state';

/** The microphone, camera and speaker the agent chose last, by device id. */
export type PreferredDevices = Partial<Record<MediaDeviceKindName, string>>;

const STORAGE_KEY = 'switchboard.preferredDevices';
const KINDS: readonly MediaDeviceKindName[] = ['audioinput', 'videoinput', 'audiooutput'];

/**
 * Remembers the agent's device choices in localStorage: devices belong to this browser on this
 * machine, not to the signed-in user, and the next call (or the next day) opens them again.
 * A remembered device that is gone is only a wish: capture asks for it as `ideal`, and the
 * browser falls back to the default one.
 */
@Injectable({ providedIn: 'root' })
export class DevicePreferences {
  read(): PreferredDevices {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
      if (!stored || typeof stored !== 'object') return {};
      const preferred: PreferredDevices = {};
      for (const kind of KINDS) {
        const deviceId = (stored as Record<string, unknown>)[kind];
        if (typeof deviceId === 'string' && deviceId !== '') preferred[kind] = deviceId;
      }
      return preferred;
    } catch {
      // Unreadable (hand-edited, or storage blocked): the browser's defaults it is.
      return {};
    }
  }

  remember(kind: MediaDeviceKindName, deviceId: string): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...this.read(), [kind]: deviceId }));
    } catch (error) {
      console.warn('[media] could not remember the chosen device', error);
    }
  }
}
