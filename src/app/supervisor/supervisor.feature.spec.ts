import {
  SupervisorApiActions,
  SupervisorClockActions,
  SupervisorFeedActions,
  SupervisorPageActions,
} from './supervisor.actions';
import {
  initialSupervisorState,
  supervisorFeature,
  type SupervisorState,
} from './supervisor.feature';
import {
  changesFrame,
  snapshotFrame,
  supervisorAgent,
  supervisorCall,
  supervisorGroup,
} from './testing/supervisor-frames';

const { reducer } = supervisorFeature;

function reduce(...actions: Parameters<typeof reducer>[1][]): SupervisorState {
  return actions.reduce((state, action) => reducer(state, action), initialSupervisorState);
}

const rootOf = (supervisor: SupervisorState) => ({ supervisor });

describe('supervisor feature', () => {
  describe('reducer', () => {
    it('replaces everything with a snapshot and goes live', () => {
      const state = reduce(
        SupervisorPageActions.opened(),
        SupervisorFeedActions.snapshotReceived({
          snapshot: snapshotFrame({
            at: 200_000,
            calls: [supervisorCall({ id: 'a' }), supervisorCall({ id: 'b' })],
            agents: [supervisorAgent()],
            groups: [supervisorGroup({ waiting: 2 })],
          }),
        }),
      );
      expect(state.feed).toBe('live');
      expect(state.calls.ids).toEqual(['a', 'b']);
      expect(state.agents.ids).toEqual(['user-ada']);
      expect(state.groups[0].waiting).toBe(2);
      expect(state.now).toBe(200_000);
    });

    it('applies changes: upserts, removals, and groups only when sent', () => {
      const group = supervisorGroup({ waiting: 1 });
      const state = reduce(
        SupervisorFeedActions.snapshotReceived({
          snapshot: snapshotFrame({
            calls: [supervisorCall({ id: 'a' }), supervisorCall({ id: 'b' })],
            agents: [supervisorAgent({ id: 'x', name: 'X' })],
            groups: [group],
          }),
        }),
        SupervisorFeedActions.changesReceived({
          changes: changesFrame({
            calls: {
              upsert: [supervisorCall({ id: 'a', status: 'connected', answeredAt: 105_000 })],
              remove: ['b'],
            },
            agents: { upsert: [supervisorAgent({ id: 'y', name: 'Y' })], remove: ['x'] },
          }),
        }),
      );
      expect(state.calls.ids).toEqual(['a']);
      expect(state.calls.entities['a']?.status).toBe('connected');
      expect(state.agents.ids).toEqual(['y']);
      expect(state.groups).toEqual([group]);
    });

    it('keeps the last state while reconnecting, and stops on a refusal', () => {
      const live = reduce(
        SupervisorFeedActions.snapshotReceived({
          snapshot: snapshotFrame({ calls: [supervisorCall()] }),
        }),
      );
      const lost = reducer(live, SupervisorFeedActions.connectionLost({ message: 'gone' }));
      expect(lost.feed).toBe('reconnecting');
      expect(lost.calls.ids).toEqual(['call-1']);
      const refused = reducer(
        lost,
        SupervisorFeedActions.refused({ message: 'requires role supervisor or admin' }),
      );
      expect(refused.feed).toBe('refused');
      expect(refused.feedError).toBe('requires role supervisor or admin');
    });

    it('ticks the clock, tracks force-away requests and monitoring, and forgets it all on close', () => {
      let state = reduce(
        SupervisorClockActions.ticked({ now: 123_000 }),
        SupervisorPageActions.forceAwayClicked({ userId: 'u1' }),
        SupervisorPageActions.forceAwayClicked({ userId: 'u2' }),
        SupervisorApiActions.forceAwaySucceeded({ userId: 'u1' }),
        SupervisorApiActions.forceAwayFailed({ userId: 'u2', message: 'user u2 is not online' }),
        SupervisorPageActions.monitorClicked({ callId: 'c1' }),
        SupervisorApiActions.monitorJoined({ callId: 'c1' }),
      );
      expect(state.now).toBe(123_000);
      expect(state.pendingAgentIds).toEqual([]);
      expect(state.actionError).toBe('user u2 is not online');
      expect(state.monitor).toEqual({
        callId: 'c1',
        mode: 'monitor',
        status: 'joined',
        error: null,
      });
      state = reducer(state, SupervisorApiActions.monitorEnded());
      expect(state.monitor).toBeNull();
      expect(reducer(state, SupervisorPageActions.closed())).toEqual(initialSupervisorState);
    });

    it('remembers the mode of joining: whisper, barge, and a failure keeps it', () => {
      let state = reduce(
        SupervisorPageActions.whisperClicked({ callId: 'c1' }),
        SupervisorApiActions.monitorJoined({ callId: 'c1' }),
      );
      expect(state.monitor).toEqual({
        callId: 'c1',
        mode: 'whisper',
        status: 'joined',
        error: null,
      });
      state = reducer(state, SupervisorPageActions.bargeClicked({ callId: 'c1' }));
      expect(state.monitor).toEqual({
        callId: 'c1',
        mode: 'barge',
        status: 'requesting',
        error: null,
      });
      state = reducer(
        state,
        SupervisorApiActions.monitorFailed({ callId: 'c1', message: 'call c1 is queued' }),
      );
      expect(state.monitor).toEqual({
        callId: 'c1',
        mode: 'barge',
        status: 'failed',
        error: 'call c1 is queued',
      });
      expect(reducer(state, SupervisorPageActions.stopMonitoringClicked()).monitor).toBeNull();
    });

    it('tracks assign requests per call and keeps the reason of a refusal', () => {
      let state = reduce(
        SupervisorPageActions.assignClicked({ callId: 'c1', userId: 'u1' }),
        SupervisorPageActions.assignClicked({ callId: 'c2', userId: 'u2' }),
      );
      expect(state.pendingAssignCallIds).toEqual(['c1', 'c2']);
      state = reducer(
        state,
        SupervisorApiActions.assignSucceeded({ call: supervisorCall({ id: 'c1' }) }),
      );
      state = reducer(
        state,
        SupervisorApiActions.assignFailed({ callId: 'c2', message: 'user u2 is not available' }),
      );
      expect(state.pendingAssignCallIds).toEqual([]);
      expect(state.actionError).toBe('user u2 is not available');
      // The row changes with the feed, not with the answer: a call the feed removed stays gone.
      expect(state.calls.ids).toEqual([]);
    });
  });

  describe('held and transferring calls', () => {
    const calls = [
      supervisorCall({ id: 'held', status: 'held', createdAt: 1_000, answeredAt: 2_000 }),
      supervisorCall({ id: 'moving', status: 'transferring', createdAt: 3_000 }),
      supervisorCall({ id: 'talking', status: 'connected', createdAt: 4_000 }),
      supervisorCall({ id: 'waiting', status: 'queued', createdAt: 5_000 }),
    ];
    const state = reduce(
      SupervisorFeedActions.snapshotReceived({ snapshot: snapshotFrame({ calls }) }),
    );
    const ids = (next: SupervisorState) =>
      supervisorFeature.selectVisibleCalls(rootOf(next)).map((call) => call.id);

    it('are counted, filtered by their own status and never the longest wait', () => {
      expect(supervisorFeature.selectCallCounts(rootOf(state))).toEqual({
        queued: 1,
        ringing: 0,
        connected: 1,
        held: 1,
        transferring: 1,
      });
      expect(
        ids(reducer(state, SupervisorPageActions.statusFilterChanged({ status: 'held' }))),
      ).toEqual(['held']);
      expect(
        ids(reducer(state, SupervisorPageActions.statusFilterChanged({ status: 'transferring' }))),
      ).toEqual(['moving']);
      expect(supervisorFeature.selectLongestWaitingCallId(rootOf(state))).toBe('waiting');
    });
  });

  describe('agents to assign to', () => {
    it('are the available ones, by name', () => {
      const state = reduce(
        SupervisorFeedActions.snapshotReceived({
          snapshot: snapshotFrame({
            agents: [
              supervisorAgent({ id: 'z', name: 'Zoe' }),
              supervisorAgent({ id: 'b', name: 'Bob', presence: 'busy' }),
              supervisorAgent({ id: 'a', name: 'Ada' }),
              supervisorAgent({ id: 'o', name: 'Otto', presence: 'offline' }),
            ],
          }),
        }),
      );
      expect(
        supervisorFeature.selectAvailableAgents(rootOf(state)).map((agent) => agent.id),
      ).toEqual(['a', 'z']);
    });
  });

  describe('selectors', () => {
    const calls = [
      supervisorCall({
        id: 'old-connected',
        status: 'connected',
        createdAt: 10_000,
        answeredAt: 12_000,
      }),
      supervisorCall({
        id: 'queued-sales',
        status: 'queued',
        createdAt: 30_000,
        ringGroup: { id: 'g-sales', name: 'sales' },
        from: { name: 'Zed', address: 'z' },
      }),
      supervisorCall({
        id: 'ringing-support',
        status: 'ringing',
        createdAt: 20_000,
        from: { name: 'Amy', address: 'a' },
      }),
    ];
    const state = reduce(
      SupervisorFeedActions.snapshotReceived({ snapshot: snapshotFrame({ calls }) }),
    );

    it('marks the longest-waiting unanswered call, not the oldest connected one', () => {
      expect(supervisorFeature.selectLongestWaitingCallId(rootOf(state))).toBe('ringing-support');
    });

    it('filters by group and status and sorts as chosen', () => {
      const ids = (next: SupervisorState) =>
        supervisorFeature.selectVisibleCalls(rootOf(next)).map((call) => call.id);
      expect(ids(state)).toEqual(['old-connected', 'ringing-support', 'queued-sales']);
      expect(
        ids(reducer(state, SupervisorPageActions.groupFilterChanged({ groupId: 'g-sales' }))),
      ).toEqual(['queued-sales']);
      expect(
        ids(reducer(state, SupervisorPageActions.statusFilterChanged({ status: 'ringing' }))),
      ).toEqual(['ringing-support']);
      expect(ids(reducer(state, SupervisorPageActions.sortChanged({ sort: 'newest' })))).toEqual([
        'queued-sales',
        'ringing-support',
        'old-connected',
      ]);
      expect(ids(reducer(state, SupervisorPageActions.sortChanged({ sort: 'caller' })))).toEqual([
        'ringing-support',
        'old-connected',
        'queued-sales',
      ]);
      expect(ids(reducer(state, SupervisorPageActions.sortChanged({ sort: 'status' })))).toEqual([
        'queued-sales',
        'ringing-support',
        'old-connected',
      ]);
    });

    it('counts calls by status', () => {
      expect(supervisorFeature.selectCallCounts(rootOf(state))).toEqual({
        queued: 1,
        ringing: 1,
        connected: 1,
        held: 0,
        transferring: 0,
      });
    });
  });
});
