import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCardHarness } from '@angular/material/card/testing';
import { MatDialog } from '@angular/material/dialog';
import { ActionsSubject } from '@ngrx/store';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { ActiveCallActions, KeyboardShortcutActions, RingingCardActions } from '../calls.actions';
import {
  selectActiveCall,
  selectOutgoingCall,
  type ActiveCallView,
  type ActiveTransferView,
} from '../calls.selectors';
import { TransferDialog } from '../transfer-dialog/transfer-dialog';
import { By } from '@angular/platform-browser';
import { MediaControls } from '../../media/media-controls/media-controls';
import { ActiveCallPanel } from './active-call-panel';

const textOf = (fixture: ComponentFixture<unknown>) =>
  (fixture.nativeElement as HTMLElement).textContent ?? '';

const connected: ActiveCallView = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  callerAddress: '/private/katherine',
  ringGroupName: 'support',
  details: [],
  statusText: 'Connected',
  talkSeconds: 125,
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

describe('ActiveCallPanel', () => {
  // Overridden selectors are module-level singletons: undo the overrides for the next spec.
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let fixture: ComponentFixture<ActiveCallPanel>;
  let store: MockStore;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    fixture = TestBed.createComponent(ActiveCallPanel);
  });

  it('shows the caller, status and talk time, and hangs up', async () => {
    store.overrideSelector(selectActiveCall, connected);
    const dispatch = spyOn(store, 'dispatch');
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    const card = await loader.getHarness(MatCardHarness);
    expect(await card.getTitleText()).toBe('Katherine Johnson');
    expect(await card.getSubtitleText()).toBe('/private/katherine · via support');
    expect(await card.getText()).toContain('Connected');
    expect(await card.getText()).toContain('2:05');

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Hang up' }))).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      ActiveCallActions.hangUpClicked({ callId: 'call-1' }),
    );
  });

  it('shows the outcome and no way to hang up again once the call ended', async () => {
    store.overrideSelector(selectActiveCall, {
      ...connected,
      ended: true,
      statusText: 'Ended',
      outcome: 'Hung up',
    });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    expect(await (await loader.getHarness(MatCardHarness)).getText()).toContain('Hung up');
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Hang up' }))).isDisabled(),
    ).toBeTrue();
  });

  it('holds and resumes, with a held badge and its timer', async () => {
    const dispatch = spyOn(store, 'dispatch');
    store.overrideSelector(selectActiveCall, connected);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Hold' }))).click();
    expect(dispatch).toHaveBeenCalledWith(ActiveCallActions.holdClicked({ callId: 'call-1' }));

    store.overrideSelector(selectActiveCall, {
      ...connected,
      statusText: 'On hold',
      held: true,
      holdSeconds: 42,
    });
    store.refreshState();
    await fixture.whenStable();
    // "On hold" once (the status line), with the hold's own timer next to the talk time.
    expect(textOf(fixture).match(/On hold/g)?.length).toBe(1);
    expect(textOf(fixture)).toContain('0:42');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Resume' }))).click();
    expect(dispatch).toHaveBeenCalledWith(ActiveCallActions.resumeClicked({ callId: 'call-1' }));
  });

  it('shows the call this console placed, from the caller’s side, when no answered call is here', async () => {
    store.overrideSelector(selectActiveCall, null);
    store.overrideSelector(selectOutgoingCall, {
      callId: 'out-1',
      calleeName: 'support',
      calleeAddress: '/group/support',
      statusText: 'Connected',
      answeredByName: 'Ada Lovelace',
      agentText: 'Ada Lovelace answered',
      seconds: 3,
      live: true,
      answered: true,
      outcome: null,
      busy: false,
      held: false,
    });
    await fixture.whenStable();

    expect(textOf(fixture)).not.toContain('Not on a call');
    expect(textOf(fixture)).toContain('Ada Lovelace answered');
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('app-caller-call-panel .outgoing-status')?.textContent).toBe(
      'Connected',
    );
  });

  it('opens the transfer dialog for the call', async () => {
    store.overrideSelector(selectActiveCall, connected);
    const open = spyOn(TestBed.inject(MatDialog), 'open');
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Transfer' }))).click();
    // The dialog's code is loaded on the first transfer.
    for (let waited = 0; open.calls.count() === 0 && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(open).toHaveBeenCalledOnceWith(
      TransferDialog,
      jasmine.objectContaining({
        data: {
          callId: 'call-1',
          callerName: 'Katherine Johnson',
          selfUserId: null,
          callerAddress: connected.callerAddress,
        },
      }),
    );
  });

  it('follows a warm transfer: complete once consulting, or cancel', async () => {
    const dispatch = spyOn(store, 'dispatch');
    const transfer: ActiveTransferView = {
      mode: 'warm',
      destinationName: 'Grace Hopper',
      destinationAddress: '/private/grace',
      status: 'ringing',
      statusText: 'Ringing…',
      consultationCallId: 'consult-1',
    };
    store.overrideSelector(selectActiveCall, {
      ...connected,
      held: true,
      transfer,
      controllable: false,
    });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const complete = () => loader.getHarness(MatButtonHarness.with({ text: 'Complete transfer' }));

    expect(textOf(fixture)).toContain('Consulting Grace Hopper');
    expect(textOf(fixture)).toContain('Ringing…');
    // The status line names the consultation, so the hold badge says the caller is on hold.
    expect(fixture.nativeElement.querySelector('app-hold-badge')?.textContent).toContain('On hold');
    // What each button does, to whom.
    expect(textOf(fixture).replace(/\s+/g, ' ')).toContain(
      'Complete transfer: Katherine Johnson goes to Grace Hopper and you leave the call.',
    );
    expect(textOf(fixture).replace(/\s+/g, ' ')).toContain(
      'Cancel consultation: Grace Hopper is hung up and Katherine Johnson comes back to you, off hold.',
    );
    expect(await (await complete()).isDisabled()).toBeTrue();
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Transfer' }))).isDisabled(),
    ).toBeTrue();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Cancel consultation' }))).click();
    expect(dispatch).toHaveBeenCalledWith(
      ActiveCallActions.cancelTransferClicked({ callId: 'call-1' }),
    );

    store.overrideSelector(selectActiveCall, {
      ...connected,
      held: true,
      transfer: { ...transfer, status: 'consulting', statusText: 'Consulting' },
      controllable: false,
    });
    store.refreshState();
    await fixture.whenStable();
    await (await complete()).click();
    expect(dispatch).toHaveBeenCalledWith(
      ActiveCallActions.completeTransferClicked({ callId: 'call-1' }),
    );
  });

  describe('one control bar', () => {
    const bar = () =>
      (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>(
        'mat-card-actions[role="group"][aria-label="Call controls"]',
      );
    const buttonsIn = (element: HTMLElement | null) =>
      [...(element?.querySelectorAll('button') ?? [])].map((button) => button.textContent?.trim());
    const barCallId = () =>
      (
        fixture.debugElement.query(By.directive(MediaControls))?.componentInstance as
          MediaControls | undefined
      )?.callId();

    it('holds the microphone, camera and devices next to Hold, Transfer and Hang up, and the media shows none of its own', async () => {
      store.overrideSelector(selectActiveCall, connected);
      await fixture.whenStable();

      expect(buttonsIn(bar())).toEqual([
        'Mute microphone',
        'Turn camera on',
        'Audio and video…',
        'Hold',
        'Transfer',
        'Hang up',
      ]);
      expect(barCallId()).toBe('call-1');
      const media = (fixture.nativeElement as HTMLElement).querySelector('app-call-media');
      expect(media).not.toBeNull();
      expect(media!.querySelector('app-media-controls')).toBeNull();
    });

    it('acts on the consultation while the agent consults, and has only the way out once the call ended', async () => {
      store.overrideSelector(selectActiveCall, {
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
      });
      await fixture.whenStable();
      expect(barCallId()).toBe('consult-1');

      store.overrideSelector(selectActiveCall, {
        ...connected,
        ended: true,
        statusText: 'Ended',
        outcome: 'Hung up',
      });
      store.refreshState();
      await fixture.whenStable();
      expect(buttonsIn(bar())).toEqual(['Hold', 'Transfer', 'Hang up']);
    });
  });

  it('says when there is no call', async () => {
    store.overrideSelector(selectActiveCall, null);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Not on a call.');
  });

  describe('focus', () => {
    const cardElement = () => (fixture.nativeElement as HTMLElement).querySelector('mat-card');

    beforeEach(async () => {
      store.overrideSelector(selectActiveCall, null);
      await fixture.whenStable();
    });

    for (const accept of [
      RingingCardActions.acceptClicked({ callId: 'call-1' }),
      KeyboardShortcutActions.acceptPressed({ callId: 'call-1' }),
    ]) {
      it(`moves onto the call accepted here (${accept.type}), named by its caller`, async () => {
        TestBed.inject(ActionsSubject).next(accept);
        store.overrideSelector(selectActiveCall, connected);
        store.refreshState();
        await fixture.whenStable();

        expect(document.activeElement).toBe(cardElement());
        const names = cardElement()!.getAttribute('aria-labelledby')!.split(' ');
        expect(names.map((id) => document.getElementById(id)?.textContent?.trim())).toEqual([
          'Active call',
          'Katherine Johnson',
        ]);
      });
    }

    it('stays where it is for a call accepted for another call, and moves only once', async () => {
      TestBed.inject(ActionsSubject).next(RingingCardActions.acceptClicked({ callId: 'other' }));
      store.overrideSelector(selectActiveCall, connected);
      store.refreshState();
      await fixture.whenStable();
      expect(cardElement()).not.toBeNull();
      expect(document.activeElement).not.toBe(cardElement());

      TestBed.inject(ActionsSubject).next(RingingCardActions.acceptClicked({ callId: 'call-1' }));
      store.overrideSelector(selectActiveCall, { ...connected, talkSeconds: 126 });
      store.refreshState();
      await fixture.whenStable();
      expect(document.activeElement).toBe(cardElement());

      (document.activeElement as HTMLElement).blur();
      store.overrideSelector(selectActiveCall, { ...connected, talkSeconds: 127 });
      store.refreshState();
      await fixture.whenStable();
      expect(document.activeElement).not.toBe(cardElement());
    });
  });
});
