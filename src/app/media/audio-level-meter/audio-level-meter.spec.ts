import { TestBed } from '@angular/core/testing';
import { AudioLevelMeter } from './audio-level-meter';

describe('AudioLevelMeter', () => {
  it('rises with the loudness of the stream and reads 0 without one', async () => {
    const context = new AudioContext();
    await context.resume();
    const oscillator = context.createOscillator();
    const destination = context.createMediaStreamDestination();
    oscillator.connect(destination);
    oscillator.start();

    const fixture = TestBed.createComponent(AudioLevelMeter);
    fixture.componentRef.setInput('label', 'Caller audio level');
    const host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    expect(host.getAttribute('role')).toBe('meter');
    expect(host.getAttribute('aria-label')).toBe('Caller audio level');
    expect(host.getAttribute('aria-valuenow')).toBe('0');

    fixture.componentRef.setInput('stream', destination.stream);
    const deadline = Date.now() + 3_000;
    let level = 0;
    while (Date.now() < deadline && level === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await fixture.whenStable();
      level = Number(host.getAttribute('aria-valuenow'));
    }
    expect(level).toBeGreaterThan(20);

    fixture.componentRef.setInput('stream', null);
    await fixture.whenStable();
    expect(host.getAttribute('aria-valuenow')).toBe('0');
    oscillator.stop();
    await context.close();
  });
});
