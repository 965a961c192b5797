import { ToolbarActions } from '../auth/auth.actions';
import {
  MediaApiActions,
  MediaControlsActions,
  MediaSessionEvents,
  VideoPreferenceActions,
} from './media.actions';
import { initialMediaState, mediaFeature, selectCallMedia, type MediaState } from './media.feature';
import { initialCallMediaState, type DeviceOption } from './media-state';

const { reducer } = mediaFeature;
const devices: DeviceOption[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default microphone' },
  { kind: 'videoinput', deviceId: 'cam-1', label: 'Front camera' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Default speaker' },
];

function apply(...actions: Parameters<typeof reducer>[1][]): MediaState {
  return actions.reduce((state, action) => reducer(state, action), initialMediaState);
}

describe('media feature', () => {
  it('keeps each call’s reported media state, serializable, until the call leaves its room', () => {
    const connected = { ...initialCallMediaState('a'), connection: 'connected' as const };
    let state = apply(MediaSessionEvents.stateChanged({ state: connected }));
    expect(selectCallMedia('a')({ media: state })).toEqual({ ...connected, controlError: null });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);

    state = reducer(state, MediaSessionEvents.left({ callId: 'a' }));
    expect(selectCallMedia('a')({ media: state })).toBeNull();
  });

  it('keeps a control failure until the agent tries again', () => {
    const report = MediaSessionEvents.stateChanged({ state: initialCallMediaState('a') });
    let state = apply(report, MediaApiActions.controlFailed({ callId: 'a', message: 'no camera' }));
    // A new report from the room does not hide the failure…
    state = reducer(state, report);
    expect(state.entities['a']?.controlError).toBe('no camera');
    // …the next click does.
    state = reducer(state, MediaControlsActions.turnCameraOnClicked({ callId: 'a' }));
    expect(state.entities['a']?.controlError).toBeNull();
  });

  it('lists the devices by kind and remembers the video preference', () => {
    const state = apply(
      MediaSessionEvents.devicesChanged({ devices }),
      VideoPreferenceActions.videoCallsTurnedOn(),
    );
    const root = { media: state };
    expect(mediaFeature.selectMicrophones(root).map((d) => d.label)).toEqual([
      'Default microphone',
    ]);
    expect(mediaFeature.selectCameras(root).map((d) => d.deviceId)).toEqual(['cam-1']);
    expect(mediaFeature.selectSpeakers(root).length).toBe(1);
    expect(state.videoCalls).toBeTrue();
    expect(reducer(state, VideoPreferenceActions.videoCallsTurnedOff()).videoCalls).toBeFalse();
  });

  it('forgets everything on sign-out', () => {
    const state = apply(
      MediaSessionEvents.devicesChanged({ devices }),
      MediaSessionEvents.stateChanged({ state: initialCallMediaState('a') }),
      ToolbarActions.signOutClicked(),
    );
    expect(state).toEqual(initialMediaState);
  });
});
