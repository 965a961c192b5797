import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { CallMediaState, DeviceOption, MediaDeviceKindName } from './media-state';

/** What the media engine reports (CallMediaService.events$). */
export const MediaSessionEvents = createActionGroup({
  source: 'Media Session',
  events: {
    'State Changed': props<{ state: CallMediaState }>(),
    'Devices Changed': props<{ devices: DeviceOption[] }>(),
    /** The call's room is gone for this tab (hung up, ended, or closed by the server). */
    Left: props<{ callId: string }>(),
  },
});

export const VideoPreferenceActions = createActionGroup({
  source: 'Video Preference Toggle',
  events: {
    'Video Calls Turned On': emptyProps(),
    'Video Calls Turned Off': emptyProps(),
  },
});

export const MediaControlsActions = createActionGroup({
  source: 'Media Controls',
  events: {
    'Mute Microphone Clicked': props<{ callId: string }>(),
    'Unmute Microphone Clicked': props<{ callId: string }>(),
    'Turn Camera Off Clicked': props<{ callId: string }>(),
    'Turn Camera On Clicked': props<{ callId: string }>(),
  },
});

/** The audio and video settings dialog (the device pickers, in a call or not). */
export const DeviceSettingsActions = createActionGroup({
  source: 'Device Settings',
  events: {
    /** Opened before any call listed the devices: the dialog listed them itself. */
    'Devices Listed': props<{ devices: DeviceOption[] }>(),
    /** Remembered for the next calls, and switched at once on `callId` when there is one. */
    'Device Chosen': props<{
      kind: MediaDeviceKindName;
      deviceId: string;
      callId: string | null;
    }>(),
  },
});

export const KeypadActions = createActionGroup({
  source: 'Keypad',
  events: {
    'Digit Pressed': props<{ callId: string; digit: string }>(),
  },
});

export const MediaApiActions = createActionGroup({
  source: 'Media API',
  events: {
    'Control Failed': props<{ callId: string; message: string }>(),
  },
});
