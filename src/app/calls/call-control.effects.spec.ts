import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { BehaviorSubject, firstValueFrom, ReplaySubject, take, toArray } from 'rxjs';
import { mediaFeature } from '../media/media.feature';
import { sessionFeature } from '../session/session.feature';
import { TelephonyService } from '../shared/telephony.service';
import { Call, TelephonyError, type CallView } from '@switchboard/telephony';
import { callView } from '@switchboard/telephony/testing';
import {
  ActiveCallActions,
  CallsApiActions,
  DialBoxActions,
  TransferDialogActions,
} from './calls.actions';
import { CallsEffects } from './calls.effects';
import { selectHasLiveInboundCall } from './calls.selectors';

const noCommands = {
  accept: async () => undefined,
  reject: async () => undefined,
  hangup: async () => undefined,
  transfer: async () => undefined,
  completeTransfer: async () => undefined,
  cancelTransfer: async () => undefined,
  hold: async () => undefined,
  resume: async () => undefined,
  statusChanged: () => undefined,
};

const support = { name: 'support', address: '/group/support' };

describe('CallsEffects: hold and transfer', () => {
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let actions: ReplaySubject<Action>;
  let effects: CallsEffects;
  let call: Call;
  let telephony: {
    incomingCalls$: BehaviorSubject<readonly Call[]>;
    call: jasmine.Spy<(id: string) => Call | undefined>;
    session: { dial: jasmine.Spy };
  };

  beforeEach(() => {
    actions = new ReplaySubject<Action>();
    call = new Call(callView({ id: 'a', status: 'connected' }), noCommands);
    telephony = {
      incomingCalls$: new BehaviorSubject<readonly Call[]>([]),
      call: jasmine.createSpy('call').and.callFake((id: string) => (id === 'a' ? call : undefined)),
      session: { dial: jasmine.createSpy('dial') },
    };
    TestBed.configureTestingModule({
      providers: [
        CallsEffects,
        provideMockActions(() => actions),
        provideMockStore(),
        { provide: TelephonyService, useValue: telephony },
      ],
    });
    const store = TestBed.inject(MockStore);
    store.overrideSelector(sessionFeature.selectRegistered, false);
    store.overrideSelector(selectHasLiveInboundCall, false);
    store.overrideSelector(mediaFeature.selectVideoCalls, false);
    effects = TestBed.inject(CallsEffects);
  });

  it('hold$ and resume$ put the caller on hold and back', async () => {
    const hold = spyOn(call, 'hold').and.resolveTo();
    const resume = spyOn(call, 'resume').and.resolveTo();

    actions.next(ActiveCallActions.holdClicked({ callId: 'a' }));
    expect(await firstValueFrom(effects.hold$)).toEqual(
      CallsApiActions.holdSucceeded({ callId: 'a' }),
    );
    actions.next(ActiveCallActions.resumeClicked({ callId: 'a' }));
    expect(await firstValueFrom(effects.resume$)).toEqual(
      CallsApiActions.resumeSucceeded({ callId: 'a' }),
    );
    expect(hold).toHaveBeenCalledTimes(1);
    expect(resume).toHaveBeenCalledTimes(1);
  });

  it('blindTransfer$ and warmTransfer$ transfer to the chosen address in their mode', async () => {
    const transfer = spyOn(call, 'transfer').and.resolveTo();

    actions.next(
      TransferDialogActions.blindTransferConfirmed({ callId: 'a', destination: support }),
    );
    expect(await firstValueFrom(effects.blindTransfer$)).toEqual(
      CallsApiActions.transferStarted({ callId: 'a' }),
    );
    expect(transfer).toHaveBeenCalledOnceWith('/group/support', { mode: 'blind' });

    actions.next(
      TransferDialogActions.warmTransferConfirmed({ callId: 'a', destination: support }),
    );
    expect(await firstValueFrom(effects.warmTransfer$)).toEqual(
      CallsApiActions.transferStarted({ callId: 'a' }),
    );
    expect(transfer.calls.mostRecent().args).toEqual(['/group/support', { mode: 'warm' }]);
  });

  it('blindTransfer$ and warmTransfer$ pass the required skills on', async () => {
    const transfer = spyOn(call, 'transfer').and.resolveTo();
    const skills = { spanish: 5 };

    actions.next(
      TransferDialogActions.blindTransferConfirmed({ callId: 'a', destination: support, skills }),
    );
    await firstValueFrom(effects.blindTransfer$);
    expect(transfer).toHaveBeenCalledOnceWith('/group/support', { mode: 'blind', skills });

    actions.next(
      TransferDialogActions.warmTransferConfirmed({ callId: 'a', destination: support, skills }),
    );
    await firstValueFrom(effects.warmTransfer$);
    expect(transfer.calls.mostRecent().args).toEqual(['/group/support', { mode: 'warm', skills }]);
  });

  it('completeTransfer$ and cancelTransfer$ finish a warm transfer either way', async () => {
    spyOn(call, 'completeTransfer').and.resolveTo();
    spyOn(call, 'cancelTransfer').and.resolveTo();

    actions.next(ActiveCallActions.completeTransferClicked({ callId: 'a' }));
    expect(await firstValueFrom(effects.completeTransfer$)).toEqual(
      CallsApiActions.transferCompleted({ callId: 'a' }),
    );
    actions.next(ActiveCallActions.cancelTransferClicked({ callId: 'a' }));
    expect(await firstValueFrom(effects.cancelTransfer$)).toEqual(
      CallsApiActions.transferCancelled({ callId: 'a' }),
    );
  });

  it('every refusal becomes Call Control Failed with the command and the server reason', async () => {
    spyOn(call, 'transfer').and.rejectWith(new TelephonyError('not-found', 'no such address'));
    actions.next(
      TransferDialogActions.blindTransferConfirmed({ callId: 'a', destination: support }),
    );
    expect(await firstValueFrom(effects.blindTransfer$)).toEqual(
      CallsApiActions.callControlFailed({
        callId: 'a',
        command: 'blind-transfer',
        reason: 'not-found',
        message: 'no such address',
      }),
    );

    actions.next(ActiveCallActions.holdClicked({ callId: 'gone' }));
    expect(await firstValueFrom(effects.hold$)).toEqual(
      CallsApiActions.callControlFailed({
        callId: 'gone',
        command: 'hold',
        reason: 'not-found',
        message: 'call gone is no longer here',
      }),
    );
  });

  it("dial$ reports the caller's hold as well as its status", async () => {
    const view: CallView = callView({ id: 'out', direction: 'outbound', status: 'connected' });
    const dialed = new Call(view, noCommands);
    telephony.session.dial.and.resolveTo(dialed);
    const updates = firstValueFrom(effects.dial$.pipe(take(3), toArray()));

    actions.next(DialBoxActions.callClicked({ address: '/group/support' }));
    await new Promise((resolve) => setTimeout(resolve));
    dialed.update({ ...view, held: true, heldAt: 5_000 });
    dialed.update({ ...view, held: false, heldAt: null });

    const held = (await updates).map((action) =>
      action.type === CallsApiActions.outgoingCallUpdated.type ? action.call.held : action.type,
    );
    expect(held).toEqual([false, true, false]);
  });
});
