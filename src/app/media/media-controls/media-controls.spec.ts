import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { MediaControlsActions } from '../media.actions';
import { initialMediaState, type CallMediaRecord } from '../media.feature';
import { initialCallMediaState, type DeviceOption } from '../media-state';
import { speakerSelectionSupported } from '../media-stream';
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

  it('offers the devices of each kind and switches to the one chosen', async () => {
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const selects = await loader.getAllHarnesses(MatSelectHarness);
    expect(selects.length).toBe(speakerSelectionSupported() ? 3 : 2);
    expect(await selects[0].getValueText()).toBe('Default microphone');
    await selects[0].open();
    expect(await Promise.all((await selects[0].getOptions()).map((o) => o.getText()))).toEqual([
      'Default microphone',
      'USB headset',
    ]);
    await selects[0].clickOptions({ text: 'USB headset' });
    expect(dispatch).toHaveBeenCalledWith(
      MediaControlsActions.deviceChosen({ callId: 'call-1', kind: 'audioinput', deviceId: 'usb' }),
    );
    expect(await selects[1].getValueText()).toBe('Front camera');
  });

  it('names the selects Microphone, Camera and Speaker', async () => {
    await fixture.whenStable();
    const labels = [...(fixture.nativeElement as HTMLElement).querySelectorAll('mat-label')].map(
      (label) => label.textContent?.trim(),
    );
    expect(labels).toEqual(
      speakerSelectionSupported() ? ['Microphone', 'Camera', 'Speaker'] : ['Microphone', 'Camera'],
    );
  });

  it('waits for the room before offering any control, and shows a refused one', async () => {
    store.setState(
      stateWith({ connection: 'joining', controlError: 'Could not turn the camera on' }),
    );
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    for (const button of await loader.getAllHarnesses(MatButtonHarness))
      expect(await button.isDisabled()).toBeTrue();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent,
    ).toContain('Could not turn the camera on');
  });
});
