import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { KeyboardShortcutActions } from '../calls/calls.actions';
import {
  selectActiveCall,
  selectOldestRingingCallId,
  selectOutgoingCall,
  type ActiveCallView,
  type OutgoingCallView,
} from '../calls/calls.selectors';
import { TransferDialog } from '../calls/transfer-dialog/transfer-dialog';
import { mediaFeature, type CallMediaRecord } from '../media/media.feature';
import { initialRootState } from '../testing/initial-state';
import { DeskKeyboard } from './desk-keyboard';
import { ShortcutHelp } from './shortcut-help/shortcut-help';

const connected: ActiveCallView = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  callerAddress: '/private/katherine',
  ringGroupName: 'support',
  details: [],
  statusText: 'Connected',
  talkSeconds: 5,
  ended: false,
  outcome: null,
  busy: false,
  error: null,
  held: false,
  holdSeconds: 0,
  transfer: null,
  controllable: true,
  consultation: null,
};

const media = (callId: string, changes: Partial<CallMediaRecord> = {}) =>
  ({
    callId,
    connection: 'connected',
    microphoneMuted: false,
    controlError: null,
    ...changes,
  }) as CallMediaRecord;

const alt = (code: string, target: EventTarget = document.body) => {
  const event = new KeyboardEvent('keydown', {
    code,
    altKey: true,
    bubbles: true,
    cancelable: true,
  });
  target.dispatchEvent(event);
  return event;
};

const waitFor = async (done: () => boolean) => {
  for (let waited = 0; !done() && waited < 5_000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('DeskKeyboard', () => {
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let fixture: ComponentFixture<DeskKeyboard>;
  let store: MockStore;
  let dispatch: jasmine.Spy;

  const show = async (
    call: ActiveCallView | null,
    extra: {
      ringing?: string | null;
      outgoing?: OutgoingCallView | null;
      media?: Record<string, CallMediaRecord>;
    } = {},
  ) => {
    store.overrideSelector(selectActiveCall, call);
    store.overrideSelector(selectOldestRingingCallId, extra.ringing ?? null);
    store.overrideSelector(selectOutgoingCall, extra.outgoing ?? null);
    store.overrideSelector(mediaFeature.selectCallMediaEntities, extra.media ?? {});
    store.refreshState();
    await fixture.whenStable();
  };

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(DeskKeyboard);
    await show(null);
  });

  it('accepts and declines the oldest ringing call', async () => {
    await show(null, { ringing: 'ring-1' });
    expect(alt('KeyA').defaultPrevented).toBeTrue();
    alt('KeyD');
    expect(dispatch.calls.allArgs()).toEqual([
      [KeyboardShortcutActions.acceptPressed({ callId: 'ring-1' })],
      [KeyboardShortcutActions.declinePressed({ callId: 'ring-1' })],
    ]);
  });

  it('leaves a key to the browser when it does not apply now', async () => {
    await show(null);
    const presses = ['KeyA', 'KeyD', 'KeyH', 'KeyO', 'KeyM', 'KeyT'].map((code) => alt(code));
    expect(presses.map((event) => event.defaultPrevented)).toEqual(Array(6).fill(false));
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('hangs up, holds and resumes the current call', async () => {
    await show(connected);
    alt('KeyH');
    alt('KeyO');
    await show({ ...connected, held: true });
    alt('KeyO');
    expect(dispatch.calls.allArgs()).toEqual([
      [KeyboardShortcutActions.hangUpPressed({ callId: 'call-1' })],
      [KeyboardShortcutActions.holdPressed({ callId: 'call-1' })],
      [KeyboardShortcutActions.resumePressed({ callId: 'call-1' })],
    ]);
  });

  it('does not hold a call that cannot be held, nor press twice while a command runs', async () => {
    await show({ ...connected, controllable: false });
    alt('KeyO');
    await show({ ...connected, busy: true });
    alt('KeyO');
    alt('KeyH');
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('hangs up the call this console placed when it is on no other', async () => {
    const outgoing = { callId: 'out-1', live: true, busy: false } as OutgoingCallView;
    await show(null, { outgoing });
    alt('KeyH');
    await show(null, { outgoing: { ...outgoing, live: false } });
    alt('KeyH');
    expect(dispatch.calls.allArgs()).toEqual([
      [KeyboardShortcutActions.hangUpPressed({ callId: 'out-1' })],
    ]);
  });

  it('mutes and unmutes the microphone of the call the agent is talking on', async () => {
    await show(connected, { media: { 'call-1': media('call-1') } });
    alt('KeyM');
    await show(connected, { media: { 'call-1': media('call-1', { microphoneMuted: true }) } });
    alt('KeyM');
    // Consulting: the agent talks to the consulted party, so that microphone is the one.
    await show(
      {
        ...connected,
        held: true,
        controllable: false,
        transfer: {
          mode: 'warm',
          destinationName: 'Grace Hopper',
          destinationAddress: '/private/grace',
          status: 'consulting',
          statusText: 'Consulting',
          consultationCallId: 'consult-1',
        },
      },
      { media: { 'call-1': media('call-1'), 'consult-1': media('consult-1') } },
    );
    alt('KeyM');
    // No room yet: nothing to mute.
    await show(connected, { media: { 'call-1': media('call-1', { connection: 'joining' }) } });
    alt('KeyM');
    expect(dispatch.calls.allArgs()).toEqual([
      [KeyboardShortcutActions.muteMicrophonePressed({ callId: 'call-1' })],
      [KeyboardShortcutActions.unmuteMicrophonePressed({ callId: 'call-1' })],
      [KeyboardShortcutActions.muteMicrophonePressed({ callId: 'consult-1' })],
    ]);
  });

  it('opens the transfer dialog for the current call', async () => {
    const open = spyOn(TestBed.inject(MatDialog), 'open');
    await show(connected);
    alt('KeyT');
    await waitFor(() => open.calls.count() > 0);
    expect(open).toHaveBeenCalledOnceWith(
      TransferDialog,
      jasmine.objectContaining({
        data: {
          callId: 'call-1',
          callerName: 'Katherine Johnson',
          selfUserId: null,
          callerAddress: '/private/katherine',
        },
      }),
    );
  });

  it('does nothing while the agent types in a field', async () => {
    await show(connected, { ringing: 'ring-1' });
    const note = document.createElement('textarea');
    document.body.append(note);
    alt('KeyA', note);
    alt('KeyH', note);
    note.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }));
    note.remove();
    expect(dispatch).not.toHaveBeenCalled();
    expect(TestBed.inject(MatDialog).openDialogs.length).toBe(0);
  });

  it('lists the shortcuts on ? and from its button, once', async () => {
    const dialog = TestBed.inject(MatDialog);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }));
    await waitFor(() => dialog.openDialogs.length > 0);
    expect(dialog.openDialogs.map((open) => open.componentInstance)).toEqual([
      jasmine.any(ShortcutHelp),
    ]);
    const help = document.querySelector('app-shortcut-help')!;
    await waitFor(() => (help.textContent ?? '').includes('Hang up'));
    for (const text of ['Alt', 'Accept the oldest ringing call', 'Hang up the current call']) {
      expect(help.textContent).toContain(text);
    }

    (fixture.nativeElement as HTMLElement).querySelector('button')!.click();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dialog.openDialogs.length).toBe(1);
    dialog.closeAll();
  });
});
