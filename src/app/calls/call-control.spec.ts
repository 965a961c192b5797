import type { TransferState } from '@switchboard/telephony';
import {
  ActiveCallActions,
  CallsApiActions,
  CallsSocketActions,
  TransferDialogActions,
} from './calls.actions';
import { callsAdapter, callsFeature, initialCallsState, type CallRecord } from './calls.feature';
import {
  selectActiveCall,
  selectOutgoingCall,
  selectRecentCalls,
  selectRingingQueue,
} from './calls.selectors';
import { callRecord, snapshot } from './testing/call-snapshots';

/** Hold and transfer in the calls feature: the reducer's bookkeeping and what the panels read. */
const reducer = callsFeature.reducer;
const support = { name: 'support', address: '/group/support' };
const grace = { name: 'Grace Hopper', address: '/private/grace' };
const BOB = { id: 'user-bob', name: 'Bob Builder' };

function rootState(records: CallRecord[], now: number, outgoingCallId: string | null = null) {
  return {
    calls: { ...callsAdapter.setAll(records, initialCallsState), now, outgoingCallId },
    auth: { user: null, status: 'signed-out' as const, expiresAt: null, error: null },
  };
}

const onCall = (overrides: Partial<CallRecord> = {}) =>
  callRecord({ status: 'connected', answeredHere: true, answeredAt: 120_000, ...overrides });

describe('calls feature: hold and transfer', () => {
  describe('reducer', () => {
    it('tracks hold and resume in flight, and a refusal through the one failure action', () => {
      let state = reducer(
        callsAdapter.setAll([onCall({ id: 'a' })], initialCallsState),
        ActiveCallActions.holdClicked({ callId: 'a' }),
      );
      expect(state.entities['a']?.pending).toBe('hold');
      state = reducer(state, CallsApiActions.holdSucceeded({ callId: 'a' }));
      expect(state.entities['a']?.pending).toBeNull();

      state = reducer(state, ActiveCallActions.resumeClicked({ callId: 'a' }));
      expect(state.entities['a']?.pending).toBe('resume');
      state = reducer(
        state,
        CallsApiActions.callControlFailed({
          callId: 'a',
          command: 'resume',
          reason: 'wrong-state',
          message: 'call a is not held',
        }),
      );
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ pending: null, error: 'call a is not held' }),
      );
    });

    it('remembers where a transfer went, and forgets it when refused or cancelled', () => {
      let state = reducer(
        callsAdapter.setAll([onCall({ id: 'a' })], initialCallsState),
        TransferDialogActions.blindTransferConfirmed({ callId: 'a', destination: support }),
      );
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ pending: 'transfer', transferredTo: support }),
      );
      state = reducer(
        state,
        CallsApiActions.callControlFailed({
          callId: 'a',
          command: 'blind-transfer',
          reason: 'not-found',
          message: 'no such address',
        }),
      );
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ pending: null, transferredTo: null, error: 'no such address' }),
      );

      state = reducer(
        state,
        TransferDialogActions.warmTransferConfirmed({ callId: 'a', destination: grace }),
      );
      state = reducer(state, CallsApiActions.transferStarted({ callId: 'a' }));
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ pending: null, transferredTo: grace, error: null }),
      );
      state = reducer(state, ActiveCallActions.cancelTransferClicked({ callId: 'a' }));
      expect(state.entities['a']?.pending).toBe('cancel-transfer');
      state = reducer(state, CallsApiActions.transferCancelled({ callId: 'a' }));
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ pending: null, transferredTo: null }),
      );
    });

    it('keeps the transfer destination across list updates', () => {
      let state = reducer(
        callsAdapter.setAll([onCall({ id: 'a' })], initialCallsState),
        TransferDialogActions.blindTransferConfirmed({ callId: 'a', destination: support }),
      );
      state = reducer(
        state,
        CallsSocketActions.listReceived({
          calls: [snapshot({ id: 'a', status: 'disconnected', endReason: 'transferred' })],
          receivedAt: 130_000,
        }),
      );
      expect(state.entities['a']?.transferredTo).toEqual(support);
    });

    it('starts afresh when a connected call rings this agent again', () => {
      const state = reducer(
        callsAdapter.setAll([onCall({ id: 'a', transferredTo: support })], initialCallsState),
        CallsSocketActions.listReceived({
          calls: [snapshot({ id: 'a', status: 'ringing' })],
          receivedAt: 140_000,
        }),
      );
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ answeredHere: false, transferredTo: null }),
      );
    });

    it('starts afresh when a transferred call nobody took rings this agent again', () => {
      let state = callsAdapter.setAll(
        [
          onCall({
            id: 'a',
            status: 'disconnected',
            endReason: 'transferred',
            transferredTo: support,
          }),
        ],
        initialCallsState,
      );
      state = reducer(
        state,
        CallsSocketActions.listReceived({
          calls: [snapshot({ id: 'a', status: 'ringing', ringingAt: 140_000 })],
          receivedAt: 140_000,
        }),
      );
      expect(state.entities['a']).toEqual(
        jasmine.objectContaining({ status: 'ringing', answeredHere: false, transferredTo: null }),
      );
    });
  });

  describe('selectors', () => {
    it('selectActiveCall shows the hold with a timer that ticks with the clock', () => {
      const held = onCall({ held: true, heldAt: 150_000 });
      expect(selectActiveCall(rootState([held], 150_400))).toEqual(
        jasmine.objectContaining({ held: true, holdSeconds: 0, controllable: true }),
      );
      expect(selectActiveCall(rootState([held], 223_000))?.holdSeconds).toBe(73);
      expect(selectActiveCall(rootState([onCall()], 223_000))).toEqual(
        jasmine.objectContaining({ held: false, holdSeconds: 0 }),
      );
    });

    it('selectActiveCall follows a warm transfer from ringing to consulting', () => {
      const transfer: TransferState = {
        mode: 'warm',
        to: grace,
        status: 'ringing',
        consultationCallId: 'consult-1',
      };
      const ringing = selectActiveCall(
        rootState([onCall({ held: true, heldAt: 150_000, transfer })], 151_000),
      );
      expect(ringing?.transfer).toEqual({
        mode: 'warm',
        destinationName: 'Grace Hopper',
        destinationAddress: '/private/grace',
        status: 'ringing',
        statusText: 'Ringing…',
        consultationCallId: 'consult-1',
      });
      // No hold, resume or second transfer while one is under way.
      expect(ringing?.controllable).toBeFalse();

      const consulting = selectActiveCall(
        rootState(
          [onCall({ held: true, transfer: { ...transfer, status: 'consulting' } })],
          151_000,
        ),
      );
      expect(consulting?.transfer?.statusText).toBe('Consulting');

      const failed = selectActiveCall(
        rootState([onCall({ transfer: { ...transfer, status: 'failed' } })], 151_000),
      );
      expect(failed?.transfer?.statusText).toBe('Nobody took the transfer');
      expect(failed?.controllable).toBeTrue();
    });

    it('a transferred leg reads "Transferred to <destination>", never "Missed" or "Caller hung up"', () => {
      const transferred = onCall({
        status: 'disconnected',
        endReason: 'transferred',
        endedAt: 160_000,
        transferredTo: support,
      });
      expect(selectActiveCall(rootState([transferred], 161_000))?.outcome).toBe(
        'Transferred to support',
      );
      expect(
        selectRecentCalls(rootState([{ ...transferred, status: 'destroyed' }], 161_000))[0].outcome,
      ).toBe('Transferred to support');
      const elsewhere = { ...transferred, transferredTo: null };
      expect(selectActiveCall(rootState([elsewhere], 161_000))?.outcome).toBe('Transferred');
    });

    it('selectActiveCall prefers the live call over one ending (a completed warm transfer)', () => {
      const consultation = onCall({
        id: 'consult-1',
        createdAt: 200_000,
        status: 'disconnected',
        endReason: 'hangup',
        consultationFor: 'a',
      });
      const transferred = onCall({ id: 'a', createdAt: 100_000, transferredBy: BOB });
      expect(selectActiveCall(rootState([transferred, consultation], 210_000))?.callId).toBe('a');
    });

    it('selectRingingQueue and selectActiveCall tell a consulted agent it is a consultation about the caller, not a transfer', () => {
      const about = { name: 'Katherine Johnson', address: '/private/katherine' };
      const consultation = {
        from: { name: 'Bob Builder', address: '/private/bob' },
        transferredBy: BOB,
        consultationFor: 'a',
        consultationAbout: about,
      };
      const cards = selectRingingQueue(rootState([callRecord(consultation)], 101_000));
      expect(cards[0].consultation).toBe('Consultation from Bob Builder about Katherine Johnson');
      expect(cards[0].transferredBy).toBeNull();
      const active = selectActiveCall(rootState([onCall(consultation)], 101_000));
      expect(active?.consultation).toBe('Consultation from Bob Builder about Katherine Johnson');
    });

    it('selectRingingQueue says who transferred the call', () => {
      const cards = selectRingingQueue(rootState([callRecord({ transferredBy: BOB })], 101_000));
      expect(cards[0].transferredBy).toBe('Bob Builder');
    });

    it('selectRingingQueue says when a transfer nobody took comes back', () => {
      const transfer: TransferState = {
        mode: 'blind',
        to: support,
        status: 'failed',
        consultationCallId: null,
      };
      const cards = selectRingingQueue(rootState([callRecord({ transfer })], 101_000));
      expect(cards[0].transferNotTakenBy).toBe('support');
    });

    it('selectOutgoingCall tells the caller it is on hold', () => {
      const dialed = callRecord({
        id: 'out',
        direction: 'outbound',
        status: 'connected',
        answeredAt: 110_000,
        held: true,
        heldAt: 115_000,
      });
      expect(selectOutgoingCall(rootState([dialed], 120_000, 'out'))).toEqual(
        jasmine.objectContaining({ statusText: 'On hold', held: true, live: true }),
      );
    });
  });
});
