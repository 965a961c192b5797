import { fallbackDevice, type DeviceOption } from './media-state';

const microphones: DeviceOption[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default' },
  { kind: 'audioinput', deviceId: 'usb', label: 'USB headset' },
];

describe('fallbackDevice', () => {
  it('keeps a device that is still there', () => {
    expect(fallbackDevice('usb', microphones)).toBeNull();
  });

  it('prefers the system default when the device in use vanished, else the first one', () => {
    expect(fallbackDevice('bluetooth', microphones)).toBe('default');
    expect(fallbackDevice('bluetooth', microphones.slice(1))).toBe('usb');
  });

  it('has nothing to switch to without devices or without a device in use', () => {
    expect(fallbackDevice('usb', [])).toBeNull();
    expect(fallbackDevice(null, microphones)).toBeNull();
  });
});
