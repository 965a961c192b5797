/** What a key press on the desk asks for. */
export type DeskShortcut = 'accept' | 'decline' | 'hang-up' | 'hold' | 'mute' | 'transfer' | 'help';

/** The keys, as the help overlay lists them (one source for the handler and the overlay). */
export interface DeskShortcutKey {
  shortcut: DeskShortcut;
  /** KeyboardEvent.code with Alt held; null for the help key. */
  altCode: string | null;
  keys: string[];
  description: string;
}

export const DESK_SHORTCUT_KEYS: readonly DeskShortcutKey[] = [
  {
    shortcut: 'accept',
    altCode: 'KeyA',
    keys: ['Alt', 'A'],
    description: 'Accept the oldest ringing call',
  },
  {
    shortcut: 'decline',
    altCode: 'KeyD',
    keys: ['Alt', 'D'],
    description: 'Decline the oldest ringing call',
  },
  {
    shortcut: 'hang-up',
    altCode: 'KeyH',
    keys: ['Alt', 'H'],
    description: 'Hang up the current call',
  },
  {
    shortcut: 'hold',
    altCode: 'KeyO',
    keys: ['Alt', 'O'],
    description: 'Put the current call on hold, or resume it',
  },
  {
    shortcut: 'mute',
    altCode: 'KeyM',
    keys: ['Alt', 'M'],
    description: 'Mute or unmute your microphone',
  },
  {
    shortcut: 'transfer',
    altCode: 'KeyT',
    keys: ['Alt', 'T'],
    description: 'Transfer the current call',
  },
  { shortcut: 'help', altCode: null, keys: ['?'], description: 'Show these shortcuts' },
];

/** Fields where a key press is typing: a shortcut there would eat the agent's text. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    // Buttons and boxes take no text: shortcuts still work when one has focus.
    return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'color', 'file'].includes(
      target.type,
    );
  }
  // mat-select and similar listboxes use the letters to jump between options.
  return target.getAttribute('role') === 'combobox' || target.getAttribute('role') === 'listbox';
}

/** The shortcut a key press means on the desk, or null. */
export function deskShortcutFor(event: KeyboardEvent): DeskShortcut | null {
  if (event.repeat || event.ctrlKey || event.metaKey || isTypingTarget(event.target)) return null;
  if (event.altKey) {
    // event.code, not event.key: Alt+A types "å" on some layouts.
    return DESK_SHORTCUT_KEYS.find((key) => key.altCode === event.code)?.shortcut ?? null;
  }
  return event.key === '?' ? 'help' : null;
}
