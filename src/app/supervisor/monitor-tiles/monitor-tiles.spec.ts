import { TestBed } from '@angular/core/testing';
import type { MonitoredTrack } from '../supervisor-monitor';
import { MonitorTiles, monitorTiles } from './monitor-tiles';

const track = (
  participant: string,
  kind: 'audio' | 'video',
  id = `${participant}-${kind}`,
): MonitoredTrack => ({ id, kind, participant, stream: new MediaStream() });

describe('monitorTiles', () => {
  it('makes one tile per party, with their camera and their sound, in order of arrival', () => {
    const tiles = monitorTiles([
      track('Katherine Johnson', 'audio'),
      track('Ada Lovelace', 'video'),
      track('Katherine Johnson', 'video'),
      track('Ada Lovelace', 'audio'),
      track('+1 555 0142', 'audio'),
    ]);
    expect(
      tiles.map((tile) => [tile.participant, tile.initials, !!tile.video, !!tile.audio]),
    ).toEqual([
      ['Katherine Johnson', 'KJ', true, true],
      ['Ada Lovelace', 'AL', true, true],
      ['+1 555 0142', '', false, true],
    ]);
  });
});

describe('MonitorTiles', () => {
  const render = async (tracks: MonitoredTrack[]) => {
    const fixture = TestBed.createComponent(MonitorTiles);
    fixture.componentRef.setInput('tracks', tracks);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  };

  it('names every tile; a camera that is off shows initials and the name, not a black box', async () => {
    const element = await render([
      track('Katherine Johnson', 'audio'),
      track('Ada Lovelace', 'audio'),
      track('Ada Lovelace', 'video'),
    ]);
    const katherine = element.querySelector('[data-participant="Katherine Johnson"]')!;
    expect(katherine.querySelector('video')).toBeNull();
    expect(katherine.querySelector('.camera-off')?.textContent?.trim()).toBe('KJ');
    expect(katherine.querySelector('.name')?.textContent?.trim()).toBe('Katherine Johnson');
    expect(katherine.textContent).toContain('camera off');

    const ada = element.querySelector('[data-participant="Ada Lovelace"]')!;
    expect(ada.querySelector('video')?.getAttribute('aria-label')).toBe('Camera of Ada Lovelace');
    expect(ada.querySelector('.camera-off')).toBeNull();
    expect(ada.textContent).not.toContain('camera off');
  });

  it('shows who is speaking with a level meter named for each party', async () => {
    const element = await render([
      track('Katherine Johnson', 'audio'),
      track('Ada Lovelace', 'video'),
    ]);
    const meters = [...element.querySelectorAll('[role="meter"]')].map((meter) =>
      meter.getAttribute('aria-label'),
    );
    expect(meters).toEqual(['Katherine Johnson speaking']);
    expect(element.querySelector('[data-participant="Ada Lovelace"]')?.textContent).toContain(
      'no sound',
    );
  });

  it('says it is waiting while nothing has arrived', async () => {
    expect((await render([])).textContent).toContain('Waiting for the call’s audio and video');
  });
});
