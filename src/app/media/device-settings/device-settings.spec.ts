import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MAT_DIALOG_DATA } from '@angular/material/dialog';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { DevicePreferences } from '../device-preferences';
import { DeviceSettingsActions } from '../media.actions';
import { initialMediaState, type CallMediaRecord } from '../media.feature';
import { initialCallMediaState, type DeviceOption } from '../media-state';
import { speakerSelectionSupported } from '../media-stream';
import { DeviceSettings, type DeviceSettingsData } from './device-settings';

const devices: DeviceOption[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default microphone' },
  { kind: 'audioinput', deviceId: 'usb', label: 'USB headset' },
  { kind: 'videoinput', deviceId: 'cam-1', label: 'Front camera' },
  { kind: 'videoinput', deviceId: 'cam-2', label: 'Document camera' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Default speaker' },
  { kind: 'audiooutput', deviceId: 'hdmi', label: 'Monitor speakers' },
];

const inCall: CallMediaRecord = {
  ...initialCallMediaState('call-1'),
  connection: 'connected',
  activeDevices: { audioinput: 'usb', videoinput: 'cam-1', audiooutput: 'default' },
  controlError: null,
};

describe('DeviceSettings', () => {
  const key = 'switchboard.preferredDevices';
  let fixture: ComponentFixture<DeviceSettings>;
  let dispatch: jasmine.Spy;

  const open = async (data: DeviceSettingsData, withCall: boolean) => {
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({
          initialState: {
            ...initialRootState,
            media: withCall
              ? { ...initialMediaState, ids: ['call-1'], entities: { 'call-1': inCall }, devices }
              : { ...initialMediaState, devices },
          },
        }),
        { provide: MAT_DIALOG_DATA, useValue: data },
      ],
    });
    dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    fixture = TestBed.createComponent(DeviceSettings);
    await fixture.whenStable();
    return TestbedHarnessEnvironment.loader(fixture);
  };

  beforeEach(() => localStorage.removeItem(key));
  afterEach(() => localStorage.removeItem(key));

  it('shows what the call uses and switches the call’s device', async () => {
    const loader = await open({ callId: 'call-1' }, true);
    const selects = await loader.getAllHarnesses(MatSelectHarness);
    expect(selects.length).toBe(speakerSelectionSupported() ? 3 : 2);
    const labels = [...(fixture.nativeElement as HTMLElement).querySelectorAll('mat-label')].map(
      (label) => label.textContent?.trim(),
    );
    expect(labels.slice(0, 2)).toEqual(['Microphone', 'Camera']);
    expect(await selects[0].getValueText()).toBe('USB headset');
    expect(await selects[1].getValueText()).toBe('Front camera');
    await selects[1].open();
    expect(await Promise.all((await selects[1].getOptions()).map((o) => o.getText()))).toEqual([
      'Front camera',
      'Document camera',
    ]);
    await selects[1].clickOptions({ text: 'Document camera' });
    expect(dispatch).toHaveBeenCalledOnceWith(
      DeviceSettingsActions.deviceChosen({
        kind: 'videoinput',
        deviceId: 'cam-2',
        callId: 'call-1',
      }),
    );
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('applies to this call');
  });

  it('outside a call shows the remembered devices and chooses for the next calls', async () => {
    new DevicePreferences().remember('videoinput', 'cam-2');
    const loader = await open({ callId: null }, false);
    const [microphone, camera] = await loader.getAllHarnesses(MatSelectHarness);
    expect(await camera.getValueText()).toBe('Document camera');
    expect(await microphone.getValueText()).toBe('Default microphone');
    await microphone.clickOptions({ text: 'USB headset' });
    expect(dispatch).toHaveBeenCalledOnceWith(
      DeviceSettingsActions.deviceChosen({ kind: 'audioinput', deviceId: 'usb', callId: null }),
    );
    expect(await microphone.getValueText()).toBe('USB headset');
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Your next calls');
  });
});
