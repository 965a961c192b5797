import { callsAdapter, initialCallsState, type CallRecord } from './calls.feature';
import {
  selectActiveCall,
  selectOldestRingingCallId,
  selectOutgoingCall,
  selectRecentCalls,
  selectRingingQueue,
} from './calls.selectors';
import { callRecord } from './testing/call-snapshots';

const ADA = { id: 'user-ada', name: 'Ada Lovelace' };
const GRACE = { id: 'user-grace', name: 'Grace Hopper' };

function rootState(records: CallRecord[], extra: { now: number; outgoingCallId?: string | null }) {
  return {
    calls: {
      ...callsAdapter.setAll(records, initialCallsState),
      now: extra.now,
      outgoingCallId: extra.outgoingCallId ?? null,
    },
    auth: {
      user: {
        ...ADA,
        reference: 'ada@demo.test',
        role: 'agent',
        address: '/private/ada',
        tenant: 'demo',
      },
      status: 'signed-in' as const,
      expiresAt: null,
      error: null,
    },
  };
}

describe('calls selectors', () => {
  describe('selectRingingQueue', () => {
    it('lists ringing calls oldest first with their wait, and ended ones with their outcome', () => {
      const state = rootState(
        [
          callRecord({
            id: 'newer',
            createdAt: 130_000,
            from: { name: 'Alan Turing', address: '/private/alan' },
            ringGroup: null,
          }),
          callRecord({ id: 'older', createdAt: 100_000 }),
          callRecord({
            id: 'taken',
            createdAt: 110_000,
            status: 'disconnected',
            endReason: 'answered_elsewhere',
            answeredBy: GRACE,
            endedAt: 125_000,
          }),
          callRecord({
            id: 'gone',
            createdAt: 90_000,
            status: 'destroyed',
            endReason: 'caller_cancelled',
            cardDismissed: true,
          }),
          callRecord({ id: 'mine', createdAt: 95_000, status: 'connected', answeredHere: true }),
        ],
        { now: 142_500 },
      );

      expect(selectRingingQueue(state)).toEqual([
        {
          callId: 'older',
          callerName: 'Katherine Johnson',
          callerAddress: '/private/katherine',
          ringGroupName: 'support',
          details: [],
          waitSeconds: 42,
          ringing: true,
          outcome: null,
          busy: false,
          error: null,
          transferredBy: null,
          consultation: null,
          transferNotTakenBy: null,
        },
        {
          callId: 'taken',
          callerName: 'Katherine Johnson',
          callerAddress: '/private/katherine',
          ringGroupName: 'support',
          details: [],
          waitSeconds: 15,
          ringing: false,
          outcome: 'Answered by Grace Hopper',
          busy: false,
          error: null,
          transferredBy: null,
          consultation: null,
          transferNotTakenBy: null,
        },
        {
          callId: 'newer',
          callerName: 'Alan Turing',
          callerAddress: '/private/alan',
          ringGroupName: null,
          details: [],
          waitSeconds: 12,
          ringing: true,
          outcome: null,
          busy: false,
          error: null,
          transferredBy: null,
          consultation: null,
          transferNotTakenBy: null,
        },
      ]);
      expect(selectOldestRingingCallId(state)).toBe('older');
    });

    it('says "Answered in another tab" when the winner is this very agent', () => {
      const state = rootState(
        [
          callRecord({
            status: 'disconnected',
            endReason: 'answered_elsewhere',
            answeredBy: ADA,
            endedAt: 101_000,
          }),
        ],
        { now: 102_000 },
      );
      expect(selectRingingQueue(state).map((card) => card.outcome)).toEqual([
        'Answered in another tab',
      ]);
    });
  });

  describe('selectActiveCall', () => {
    it('shows the call answered here with its talk time', () => {
      const state = rootState(
        [
          callRecord({
            status: 'connected',
            answeredHere: true,
            answeredAt: 120_000,
            pending: 'hang-up',
          }),
        ],
        { now: 185_000 },
      );
      expect(selectActiveCall(state)).toEqual({
        callId: 'call-1',
        callerName: 'Katherine Johnson',
        callerAddress: '/private/katherine',
        ringGroupName: 'support',
        details: [],
        statusText: 'Connected',
        talkSeconds: 65,
        ended: false,
        outcome: null,
        busy: true,
        error: null,
        held: false,
        holdSeconds: 0,
        transfer: null,
        controllable: true,
        consultation: null,
      });
    });

    it('says what is true now: on hold, calling or consulting someone, transferring; with the call’s details', () => {
      const connected = { status: 'connected' as const, answeredHere: true, answeredAt: 120_000 };
      const grace = { name: 'Grace Hopper', address: '/private/grace' };
      const statusOf = (overrides: Parameters<typeof callRecord>[0]) =>
        selectActiveCall(rootState([callRecord({ ...connected, ...overrides })], { now: 130_000 }))
          ?.statusText;
      expect(statusOf({ held: true, heldAt: 125_000 })).toBe('On hold');
      const warm = { mode: 'warm' as const, to: grace, consultationCallId: 'c2' };
      expect(statusOf({ held: true, transfer: { ...warm, status: 'ringing' } })).toBe(
        'Calling Grace Hopper',
      );
      expect(statusOf({ held: true, transfer: { ...warm, status: 'consulting' } })).toBe(
        'Consulting Grace Hopper',
      );
      expect(
        statusOf({
          transfer: { mode: 'blind', to: grace, status: 'ringing', consultationCallId: null },
        }),
      ).toBe('Transferring to Grace Hopper');
      const withParams = selectActiveCall(
        rootState([callRecord({ ...connected, params: { ticket: '4711', plan: 'Gold' } })], {
          now: 130_000,
        }),
      );
      expect(withParams?.details).toEqual([
        { name: 'ticket', value: '4711' },
        { name: 'plan', value: 'Gold' },
      ]);
    });

    it('says the caller hung up when the call ended without this tab hanging up', () => {
      const ended = callRecord({
        status: 'disconnected',
        endReason: 'hangup',
        answeredHere: true,
        answeredAt: 120_000,
        endedAt: 150_000,
      });
      expect(selectActiveCall(rootState([ended], { now: 153_000 }))?.outcome).toBe(
        'Caller hung up',
      );
    });

    it('keeps an ended call with its outcome until the server drops it', () => {
      const ended = callRecord({
        status: 'disconnected',
        endReason: 'hangup',
        answeredHere: true,
        hungUpHere: true,
        answeredAt: 120_000,
        endedAt: 150_000,
      });
      expect(selectActiveCall(rootState([ended], { now: 153_000 }))).toEqual(
        jasmine.objectContaining({
          statusText: 'Ended',
          talkSeconds: 30,
          ended: true,
          outcome: 'Hung up',
        }),
      );
      expect(
        selectActiveCall(rootState([{ ...ended, status: 'destroyed' }], { now: 160_000 })),
      ).toBeNull();
    });
  });

  it('selectOutgoingCall shows the caller side: status while live, outcome once over', () => {
    const ringing = callRecord({
      id: 'out',
      direction: 'outbound',
      from: { name: 'Ada Lovelace', address: '/private/ada' },
      createdAt: 100_000,
    });
    expect(
      selectOutgoingCall(rootState([ringing], { now: 107_000, outgoingCallId: 'out' })),
    ).toEqual({
      callId: 'out',
      calleeName: 'support',
      calleeAddress: '/group/support',
      statusText: 'Ringing',
      answeredByName: null,
      agentText: null,
      seconds: 7,
      live: true,
      answered: false,
      outcome: null,
      busy: false,
      held: false,
    });

    const unanswered = {
      ...ringing,
      status: 'destroyed' as const,
      endReason: 'no_answer' as const,
      endedAt: 160_000,
    };
    expect(
      selectOutgoingCall(rootState([unanswered], { now: 170_000, outgoingCallId: 'out' })),
    ).toEqual({
      callId: 'out',
      calleeName: 'support',
      calleeAddress: '/group/support',
      statusText: 'Ended',
      answeredByName: null,
      agentText: null,
      seconds: 60,
      live: false,
      answered: false,
      outcome: 'No answer',
      busy: false,
      held: false,
    });
  });

  it('selectOutgoingCall says who answered, and who put the caller on hold (not "muted")', () => {
    const answered = callRecord({
      id: 'out',
      direction: 'outbound',
      from: { name: 'Katherine Johnson', address: '/private/katherine' },
      status: 'connected',
      answeredBy: ADA,
      createdAt: 100_000,
      answeredAt: 104_000,
    });
    const view = (call: CallRecord) =>
      selectOutgoingCall(rootState([call], { now: 110_000, outgoingCallId: 'out' }));
    expect(view(answered)).toEqual(
      jasmine.objectContaining({
        statusText: 'Connected',
        answeredByName: 'Ada Lovelace',
        agentText: 'Ada Lovelace answered',
        seconds: 6,
      }),
    );
    expect(view({ ...answered, held: true, heldAt: 108_000 })).toEqual(
      jasmine.objectContaining({
        statusText: 'On hold',
        agentText: 'Ada Lovelace put you on hold',
        held: true,
      }),
    );
    const ended = { ...answered, status: 'disconnected' as const, endReason: 'hangup' as const };
    expect(view(ended)).toEqual(jasmine.objectContaining({ outcome: 'Hung up', agentText: null }));
  });

  it('selectRecentCalls lists ended calls, latest first, with their outcome', () => {
    const state = rootState(
      [
        callRecord({ id: 'missed', status: 'destroyed', endReason: 'no_answer', endedAt: 120_000 }),
        callRecord({
          id: 'declined',
          status: 'disconnected',
          endReason: 'rejected',
          endedAt: 130_000,
        }),
        callRecord({ id: 'ringing' }),
        callRecord({
          id: 'placed',
          direction: 'outbound',
          to: { name: 'Grace Hopper', address: '/private/grace' },
          status: 'destroyed',
          endReason: 'caller_cancelled',
          endedAt: 140_000,
        }),
      ],
      { now: 150_000 },
    );
    expect(selectRecentCalls(state)).toEqual([
      {
        callId: 'placed',
        direction: 'outbound',
        partyName: 'Grace Hopper',
        partyAddress: '/private/grace',
        outcome: 'Cancelled',
        endedAt: 140_000,
      },
      {
        callId: 'declined',
        direction: 'inbound',
        partyName: 'Katherine Johnson',
        partyAddress: '/private/katherine',
        outcome: 'Declined',
        endedAt: 130_000,
      },
      {
        callId: 'missed',
        direction: 'inbound',
        partyName: 'Katherine Johnson',
        partyAddress: '/private/katherine',
        outcome: 'Missed',
        endedAt: 120_000,
      },
    ]);
  });
});
