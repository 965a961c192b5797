import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { AudioLevelMeter } from '../../media/audio-level-meter/audio-level-meter';
import { MediaStreamDirective } from '../../media/media-stream';
import type { MonitoredTrack } from '../supervisor-monitor';

/** One party of the monitored call: their camera if it is on, their sound, their name. */
export interface MonitorTile {
  participant: string;
  initials: string;
  video: MediaStream | null;
  audio: MediaStream | null;
}

/** Groups the tracks a monitor receives by party, in the order the parties appear. */
export function monitorTiles(tracks: readonly MonitoredTrack[]): MonitorTile[] {
  const tiles = new Map<string, MonitorTile>();
  for (const track of tracks) {
    const tile = tiles.get(track.participant) ?? {
      participant: track.participant,
      initials: initialsOf(track.participant),
      video: null,
      audio: null,
    };
    if (track.kind === 'video') tile.video = track.stream;
    else tile.audio = track.stream;
    tiles.set(track.participant, tile);
  }
  return [...tiles.values()];
}

function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((word) => /^\p{L}/u.test(word));
  return words
    .slice(0, 2)
    .map((word) => word[0].toUpperCase())
    .join('');
}

/**
 * The monitored call's parties as named tiles: a camera that is off shows the person's initials
 * and name instead of a black box, and each tile's level meter shows who is speaking (it works
 * the same on the embedded media server and on a real LiveKit, which the speaker events do not).
 */
@Component({
  selector: 'app-monitor-tiles',
  imports: [AudioLevelMeter, MediaStreamDirective],
  templateUrl: './monitor-tiles.html',
  styleUrl: './monitor-tiles.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MonitorTiles {
  readonly tracks = input.required<readonly MonitoredTrack[]>();
  protected readonly tiles = computed(() => monitorTiles(this.tracks()));
}
