import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialog } from '@angular/material/dialog';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { MediaControlsActions } from '../media.actions';
import { initialMediaState, type CallMediaRecord } from '../media.feature';
import { initialCallMediaState, type DeviceOption } from '../media-state';
import { DeviceSettings } from '../device-settings/device-settings';
import { MediaControls } from './media-controls';

const devices: DeviceOption[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default microphone' },
  { kind: 'audioinput', deviceId: 'usb', label: 'USB headset' },
  { kind: 'videoinput', deviceId: 'cam-1', label: 'Front camera' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Default speaker' },
  { kind: 'audiooutput', deviceId: 'hdmi', label: 'Monitor speakers' },
];

function stateWith(media: Partial<CallMediaRecord>) {
  const record: CallMediaRecord = {
    ...initialCallMediaState('call-1'),
    connection: 'connected',
    cameraOn: true,
    activeDevices: { audioinput: 'default', videoinput: 'cam-1', audiooutput: 'default' },
    controlError: null,
    ...media,
  };
  return {
    ...initialRootState,
    media: { ...initialMediaState, ids: ['call-1'], entities: { 'call-1': record }, devices },
  };
}

describe('MediaControls', () => {
  let fixture: ComponentFixture<MediaControls>;
  let store: MockStore;
  let dispatch: jasmine.Spy;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: stateWith({}) })],
    });
    store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(MediaControls);
    fixture.componentRef.setInput('callId', 'call-1');
  });

  it('mutes the microphone and turns the camera off, with labels that say what a click does', async () => {
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Mute microphone' }))).click();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Turn camera off' }))).click();
    expect(dispatch.calls.allArgs()).toEqual([
      [MediaControlsActions.muteMicrophoneClicked({ callId: 'call-1' })],
      [MediaControlsActions.turnCameraOffClicked({ callId: 'call-1' })],
    ]);

    store.setState(stateWith({ microphoneMuted: true, cameraOn: false }));
    await fixture.whenStable();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Unmute microphone' }))).click();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Turn camera on' }))).click();
    expect(dispatch.calls.allArgs().slice(2)).toEqual([
      [MediaControlsActions.unmuteMicrophoneClicked({ callId: 'call-1' })],
      [MediaControlsActions.turnCameraOnClicked({ callId: 'call-1' })],
    ]);
  });

  it('opens the audio and video settings for this call', async () => {
    const open = spyOn(TestBed.inject(MatDialog), 'open');
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Audio and video…' }))).click();
    // The dialog's code is loaded on first use.
    for (let waited = 0; open.calls.count() === 0 && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(open).toHaveBeenCalledOnceWith(
      DeviceSettings,
      jasmine.objectContaining({ data: { callId: 'call-1' } }),
    );
  });

  it('waits for the room before offering any control, and shows a refused one', async () => {
    store.setState(
      stateWith({ connection: 'joining', controlError: 'Could not turn the camera on' }),
    );
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const controls = await loader.getAllHarnesses(
      MatButtonHarness.with({ text: /microphone|camera/ }),
    );
    expect(controls.length).toBe(2);
    for (const button of controls) expect(await button.isDisabled()).toBeTrue();
    // The settings are there before the room: they are for the next calls too.
    expect(
      await (
        await loader.getHarness(MatButtonHarness.with({ text: 'Audio and video…' }))
      ).isDisabled(),
    ).toBeFalse();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent,
    ).toContain('Could not turn the camera on');
  });
});
