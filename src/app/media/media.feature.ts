import { createEntityAdapter, type EntityState } from '@ngrx/entity';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import { AuthSessionActions, ToolbarActions } from '../auth/auth.actions';
import { KeyboardShortcutActions } from '../calls/calls.actions';
import {
  DeviceSettingsActions,
  MediaApiActions,
  MediaControlsActions,
  MediaSessionEvents,
  VideoPreferenceActions,
} from './media.actions';
import type { CallMediaState, DeviceOption, MediaDeviceKindName } from './media-state';

/** One call's media as the store keeps it: the engine's report plus the last control failure. */
export interface CallMediaRecord extends CallMediaState {
  controlError: string | null;
}

export interface MediaState extends EntityState<CallMediaRecord> {
  /** Answer and place calls with the camera on. */
  videoCalls: boolean;
  /** This browser's microphones, cameras and speakers (known once a call captured media). */
  devices: DeviceOption[];
}

export const callMediaAdapter = createEntityAdapter<CallMediaRecord>({
  selectId: (media) => media.callId,
});

export const initialMediaState: MediaState = callMediaAdapter.getInitialState({
  videoCalls: false,
  devices: [],
});

const clearControlError = (state: MediaState, { callId }: { callId: string }): MediaState =>
  callMediaAdapter.updateOne({ id: callId, changes: { controlError: null } }, state);

export const mediaFeature = createFeature({
  name: 'media',
  reducer: createReducer(
    initialMediaState,
    on(MediaSessionEvents.stateChanged, (state, { state: media }): MediaState =>
      callMediaAdapter.upsertOne(
        { ...media, controlError: state.entities[media.callId]?.controlError ?? null },
        state,
      ),
    ),
    on(MediaSessionEvents.left, (state, { callId }): MediaState =>
      callMediaAdapter.removeOne(callId, state),
    ),
    on(
      MediaSessionEvents.devicesChanged,
      DeviceSettingsActions.devicesListed,
      (state, { devices }): MediaState => ({
        ...state,
        devices,
      }),
    ),
    on(VideoPreferenceActions.videoCallsTurnedOn, (state): MediaState => ({
      ...state,
      videoCalls: true,
    })),
    on(VideoPreferenceActions.videoCallsTurnedOff, (state): MediaState => ({
      ...state,
      videoCalls: false,
    })),
    on(
      MediaControlsActions.muteMicrophoneClicked,
      MediaControlsActions.unmuteMicrophoneClicked,
      KeyboardShortcutActions.muteMicrophonePressed,
      KeyboardShortcutActions.unmuteMicrophonePressed,
      MediaControlsActions.turnCameraOffClicked,
      MediaControlsActions.turnCameraOnClicked,
      clearControlError,
    ),
    on(DeviceSettingsActions.deviceChosen, (state, { callId }): MediaState =>
      callId ? clearControlError(state, { callId }) : state,
    ),
    on(MediaApiActions.controlFailed, (state, { callId, message }): MediaState =>
      callMediaAdapter.updateOne({ id: callId, changes: { controlError: message } }, state),
    ),
    on(
      ToolbarActions.signOutClicked,
      AuthSessionActions.expired,
      (): MediaState => initialMediaState,
    ),
  ),
  extraSelectors: ({ selectMediaState, selectDevices }) => {
    const { selectEntities } = callMediaAdapter.getSelectors(selectMediaState);
    const selectDevicesOf = (kind: MediaDeviceKindName) =>
      createSelector(selectDevices, (devices) => devices.filter((device) => device.kind === kind));
    return {
      selectCallMediaEntities: selectEntities,
      selectMicrophones: selectDevicesOf('audioinput'),
      selectCameras: selectDevicesOf('videoinput'),
      selectSpeakers: selectDevicesOf('audiooutput'),
    };
  },
});

/** The media of one call in this tab, or null when it has none (yet). */
export const selectCallMedia = (callId: string) =>
  createSelector(mediaFeature.selectCallMediaEntities, (entities) => entities[callId] ?? null);
