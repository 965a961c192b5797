/**
 * What a caller hears while on hold: a gentle two-note chime every few seconds, generated with
 * WebAudio so the SDK ships no audio files and needs no network. One instance per held call.
 */
export interface HoldAudio {
  /** Starts (or keeps) playing; safe to call repeatedly. */
  start(): void;
  /** Stops and releases the audio context; safe to call repeatedly. */
  stop(): void;
}

/** Builds the hold audio the SDK plays for a held call; `ConnectOptions.holdAudio` replaces it. */
export type HoldAudioFactory = () => HoldAudio;

/** Seconds between the starts of two chimes. */
const PATTERN_PERIOD_S = 3;
/** Two soft notes a major third apart (A4, C#5): recognisably "still on the line", not a ring. */
const NOTES_HZ = [440, 554.37];
const NOTE_LENGTH_S = 0.45;
const VOLUME = 0.08;

export const createHoldAudio: HoldAudioFactory = () => new WebAudioHoldTone();

class WebAudioHoldTone implements HoldAudio {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.context || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    this.context = context;
    // The page was clicked (dial, answer) long before a hold, so resuming is allowed.
    context.resume().catch((error: unknown) => console.warn('[telephony] hold audio', error));
    this.playChime();
    this.timer = setInterval(() => this.playChime(), PATTERN_PERIOD_S * 1000);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const context = this.context;
    this.context = null;
    context?.close().catch(() => undefined); // closing a context twice is harmless
  }

  private playChime(): void {
    const context = this.context;
    if (!context) return;
    const start = context.currentTime + 0.05;
    NOTES_HZ.forEach((frequency, index) => {
      const noteStart = start + index * NOTE_LENGTH_S;
      const oscillator = context.createOscillator();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      // A soft attack and a long decay: no clicks, nothing harsh on a headset.
      const envelope = context.createGain();
      envelope.gain.setValueAtTime(0, noteStart);
      envelope.gain.linearRampToValueAtTime(VOLUME, noteStart + 0.04);
      envelope.gain.exponentialRampToValueAtTime(0.0001, noteStart + NOTE_LENGTH_S);
      oscillator.connect(envelope).connect(context.destination);
      oscillator.start(noteStart);
      oscillator.stop(noteStart + NOTE_LENGTH_S + 0.05);
    });
  }
}
