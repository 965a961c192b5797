import { TestBed } from '@angular/core/testing';
import { DevicePreferences } from './device-preferences';

describe('DevicePreferences', () => {
  const key = 'switchboard.preferredDevices';
  beforeEach(() => localStorage.removeItem(key));
  afterEach(() => localStorage.removeItem(key));

  it('remembers one device per kind, the last choice winning, across instances', () => {
    TestBed.inject(DevicePreferences).remember('audioinput', 'mic-1');
    TestBed.inject(DevicePreferences).remember('videoinput', 'cam-1');
    TestBed.inject(DevicePreferences).remember('audioinput', 'mic-2');

    // A new service (a reload) reads what the last one wrote.
    expect(new DevicePreferences().read()).toEqual({ audioinput: 'mic-2', videoinput: 'cam-1' });
  });

  it('reads nothing when nothing was chosen, or when storage holds something else', () => {
    const preferences = new DevicePreferences();
    expect(preferences.read()).toEqual({});
    localStorage.setItem(key, 'not json');
    expect(preferences.read()).toEqual({});
    localStorage.setItem(key, JSON.stringify({ audioinput: 7, videoinput: '', other: 'x' }));
    expect(preferences.read()).toEqual({});
    localStorage.setItem(key, JSON.stringify({ audiooutput: 'hdmi' }));
    expect(preferences.read()).toEqual({ audiooutput: 'hdmi' });
  });
});
