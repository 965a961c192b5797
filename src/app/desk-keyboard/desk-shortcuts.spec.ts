import { DESK_SHORTCUT_KEYS, deskShortcutFor, isTypingTarget } from './desk-shortcuts';

const press = (init: KeyboardEventInit, target?: HTMLElement) => {
  const event = new KeyboardEvent('keydown', { bubbles: true, ...init });
  if (target) Object.defineProperty(event, 'target', { value: target });
  return deskShortcutFor(event);
};

const element = (html: string) => {
  const container = document.createElement('div');
  container.innerHTML = html;
  return container.firstElementChild as HTMLElement;
};

describe('deskShortcutFor', () => {
  it('reads Alt with the physical key, whatever character the layout types', () => {
    expect(press({ code: 'KeyA', key: 'å', altKey: true })).toBe('accept');
    expect(press({ code: 'KeyD', key: '∂', altKey: true })).toBe('decline');
    expect(press({ code: 'KeyH', key: '˙', altKey: true })).toBe('hang-up');
    expect(press({ code: 'KeyO', key: 'ø', altKey: true })).toBe('hold');
    expect(press({ code: 'KeyM', key: 'µ', altKey: true })).toBe('mute');
    expect(press({ code: 'KeyT', key: '†', altKey: true })).toBe('transfer');
    expect(press({ key: '?', code: 'Slash', shiftKey: true })).toBe('help');
  });

  it('ignores plain letters, other modifiers, held keys and keys it does not know', () => {
    expect(press({ code: 'KeyA', key: 'a' })).toBeNull();
    expect(press({ code: 'KeyA', key: 'a', altKey: true, ctrlKey: true })).toBeNull();
    expect(press({ code: 'KeyH', key: 'h', altKey: true, metaKey: true })).toBeNull();
    expect(press({ code: 'KeyH', key: '˙', altKey: true, repeat: true })).toBeNull();
    expect(press({ code: 'KeyZ', key: 'Ω', altKey: true })).toBeNull();
    expect(press({ key: '?', code: 'Slash', ctrlKey: true })).toBeNull();
  });

  it('never fires while the agent types in a field', () => {
    for (const field of [
      '<input type="text">',
      '<input>',
      '<input type="search">',
      '<textarea></textarea>',
      '<select></select>',
      '<div contenteditable="true"></div>',
      '<div role="combobox"></div>',
    ]) {
      const target = element(field);
      // contentEditable is only computed for attached elements.
      document.body.append(target);
      expect(isTypingTarget(target)).withContext(field).toBeTrue();
      expect(press({ key: '?' }, target))
        .withContext(field)
        .toBeNull();
      expect(press({ code: 'KeyH', altKey: true }, target))
        .withContext(field)
        .toBeNull();
      target.remove();
    }
  });

  it('still fires with focus on a button or a checkbox', () => {
    for (const control of ['<button>Hold</button>', '<input type="checkbox">']) {
      expect(press({ code: 'KeyO', altKey: true }, element(control)))
        .withContext(control)
        .toBe('hold');
    }
  });

  it('lists every shortcut once, each with its keys and what it does', () => {
    const shortcuts = DESK_SHORTCUT_KEYS.map((key) => key.shortcut);
    expect(new Set(shortcuts).size).toBe(shortcuts.length);
    expect(shortcuts).toEqual(
      jasmine.arrayWithExactContents([
        'accept',
        'decline',
        'hang-up',
        'hold',
        'mute',
        'transfer',
        'help',
      ]),
    );
    for (const key of DESK_SHORTCUT_KEYS) {
      expect(key.keys.length).toBeGreaterThan(0);
      expect(key.description).not.toBe('');
    }
  });
});
