import { ToolbarActions } from '../auth/auth.actions';
import {
  ActiveCallActions,
  CallsApiActions,
  CallsSocketActions,
  ClockActions,
  DialBoxActions,
  KeyboardShortcutActions,
  RingingCardActions,
} from './calls.actions';
import {
  callsAdapter,
  callsFeature,
  ENDED_CALLS_KEPT,
  initialCallsState,
  type CallsState,
} from './calls.feature';
import { callRecord, snapshot } from './testing/call-snapshots';

const reducer = callsFeature.reducer;

function stateWith(...records: ReturnType<typeof callRecord>[]): CallsState {
  return callsAdapter.setAll(records, initialCallsState);
}

describe('calls reducer', () => {
  describe('List Received', () => {
    it('upserts every call of the list as a record and moves the clock to the arrival time', () => {
      const state = reducer(
        initialCallsState,
        CallsSocketActions.listReceived({
          calls: [snapshot({ id: 'b', createdAt: 200_000 }), snapshot({ id: 'a' })],
          receivedAt: 205_000,
        }),
      );

      expect(state.ids).toEqual(['a', 'b']);
      expect(state.entities['a']).toEqual(callRecord({ id: 'a' }));
      expect(state.now).toBe(205_000);
    });

    it('keeps what this console did with a call across list updates', () => {
      const before = stateWith(callRecord({ id: 'a', pending: 'accept' }));
      const state = reducer(
        before,
        CallsSocketActions.listReceived({
          calls: [snapshot({ id: 'a', status: 'connected', answeredAt: 103_000 })],
          receivedAt: 103_000,
        }),
      );

      expect(state.entities['a']).toEqual(
        callRecord({
          id: 'a',
          status: 'connected',
          answeredAt: 103_000,
          answeredHere: true,
          pending: 'accept',
        }),
      );
    });

    it('marks inbound calls missing from the list destroyed, and leaves outgoing calls alone', () => {
      const before = stateWith(
        callRecord({
          id: 'gone',
          status: 'disconnected',
          endReason: 'caller_cancelled',
          pending: 'decline',
        }),
        callRecord({ id: 'out', direction: 'outbound' }),
      );
      const state = reducer(
        before,
        CallsSocketActions.listReceived({ calls: [], receivedAt: 110_000 }),
      );

      expect(state.entities['gone']).toEqual(
        callRecord({
          id: 'gone',
          status: 'destroyed',
          endReason: 'caller_cancelled',
          pending: null,
        }),
      );
      expect(state.entities['out']?.status).toBe('ringing');
    });

    it('starts afresh when the same call rings again in a new attempt', () => {
      const before = stateWith(
        callRecord({
          id: 'a',
          status: 'disconnected',
          endReason: 'rejected',
          cardDismissed: true,
          error: 'x',
        }),
      );
      const state = reducer(
        before,
        CallsSocketActions.listReceived({
          calls: [snapshot({ id: 'a', attempt: 2 })],
          receivedAt: 120_000,
        }),
      );

      expect(state.entities['a']).toEqual(callRecord({ id: 'a', attempt: 2 }));
    });

    it(`keeps only the ${ENDED_CALLS_KEPT} most recently ended calls`, () => {
      const ended = Array.from({ length: ENDED_CALLS_KEPT + 2 }, (_, i) =>
        callRecord({ id: `old-${i}`, status: 'destroyed', endedAt: 1_000 + i }),
      );
      const state = reducer(
        stateWith(...ended),
        CallsSocketActions.listReceived({ calls: [], receivedAt: 2_000 }),
      );

      expect(state.ids.length).toBe(ENDED_CALLS_KEPT);
      expect(state.entities['old-0']).toBeUndefined();
      expect(state.entities['old-1']).toBeUndefined();
      expect(state.entities['old-2']).toBeDefined();
    });
  });

  it('tracks the command in flight for a call, and its failure', () => {
    let state = reducer(
      stateWith(callRecord({ id: 'a' })),
      RingingCardActions.acceptClicked({ callId: 'a' }),
    );
    expect(state.entities['a']?.pending).toBe('accept');
    state = reducer(
      state,
      CallsApiActions.acceptFailed({
        callId: 'a',
        reason: 'wrong-state',
        message: 'Someone else answered first',
      }),
    );
    expect(state.entities['a']).toEqual(
      callRecord({ id: 'a', error: 'Someone else answered first' }),
    );

    state = reducer(state, KeyboardShortcutActions.declinePressed({ callId: 'a' }));
    expect(state.entities['a']).toEqual(callRecord({ id: 'a', pending: 'decline' }));
    state = reducer(state, CallsApiActions.declineSucceeded({ callId: 'a' }));
    expect(state.entities['a']?.pending).toBeNull();

    state = reducer(state, ActiveCallActions.hangUpClicked({ callId: 'a' }));
    expect(state.entities['a']?.pending).toBe('hang-up');
    expect(state.entities['a']?.hungUpHere).toBeTrue();
    // A hang-up the server refused was not this tab's: whoever ends the call later was.
    state = reducer(
      state,
      CallsApiActions.hangUpFailed({ callId: 'a', reason: 'timeout', message: 'no reply' }),
    );
    expect(state.entities['a']).toEqual(
      jasmine.objectContaining({ pending: null, error: 'no reply', hungUpHere: false }),
    );
  });

  it('dismisses an ended card only for the attempt its timer was started for', () => {
    const before = stateWith(callRecord({ id: 'a', attempt: 2 }));
    expect(reducer(before, RingingCardActions.endedCardExpired({ callId: 'a', attempt: 1 }))).toBe(
      before,
    );
    expect(
      reducer(before, RingingCardActions.endedCardExpired({ callId: 'a', attempt: 2 })).entities[
        'a'
      ]?.cardDismissed,
    ).toBeTrue();
  });

  it('follows the call placed from the Call box', () => {
    let state = reducer(
      initialCallsState,
      DialBoxActions.callClicked({ address: '/group/support' }),
    );
    expect(state.dialing).toBeTrue();

    const outgoing = snapshot({ id: 'out', direction: 'outbound' });
    state = reducer(state, CallsApiActions.outgoingCallUpdated({ call: outgoing }));
    expect(state.dialing).toBeFalse();
    expect(state.outgoingCallId).toBe('out');
    expect(state.entities['out']).toEqual(callRecord({ id: 'out', direction: 'outbound' }));

    state = reducer(
      state,
      CallsApiActions.dialFailed({
        address: '/x',
        reason: 'not-found',
        message: 'no such address',
      }),
    );
    expect(state.dialError).toBe('no such address');
    state = reducer(state, DialBoxActions.outcomeDismissed());
    expect(state.outgoingCallId).toBeNull();
    expect(state.dialError).toBeNull();
  });

  it('ticks the clock and forgets everything on sign-out', () => {
    const ticked = reducer(stateWith(callRecord()), ClockActions.ticked({ now: 42 }));
    expect(ticked.now).toBe(42);
    expect(reducer(ticked, ToolbarActions.signOutClicked())).toEqual(initialCallsState);
  });
});
