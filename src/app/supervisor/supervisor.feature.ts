import { createEntityAdapter, type EntityState } from '@ngrx/entity';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import type {
  MonitorMode,
  SupervisorAgent,
  SupervisorCall,
  SupervisorCallStatus,
  SupervisorGroup,
} from '../../../protocol/supervisor-protocol';
import {
  SupervisorApiActions,
  SupervisorClockActions,
  SupervisorFeedActions,
  SupervisorPageActions,
} from './supervisor.actions';

export type CallStatusFilter = SupervisorCallStatus | 'all';
export type CallSort = 'longest-waiting' | 'newest' | 'caller' | 'group' | 'status';
export type FeedState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface MonitorState {
  callId: string;
  /** monitor: listening unseen; whisper: the agent hears the supervisor; barge: everyone does. */
  mode: MonitorMode;
  status: 'requesting' | 'joined' | 'failed';
  error: string | null;
}

export interface SupervisorState {
  calls: EntityState<SupervisorCall>;
  agents: EntityState<SupervisorAgent>;
  groups: SupervisorGroup[];
  feed: FeedState;
  feedError: string | null;
  /** The one clock every timer on the page ticks from (epoch ms). */
  now: number;
  groupFilter: string | null;
  statusFilter: CallStatusFilter;
  sort: CallSort;
  /** Agents a force-away request is in flight for, and the last action error. */
  pendingAgentIds: string[];
  /** Calls an assign request is in flight for. */
  pendingAssignCallIds: string[];
  actionError: string | null;
  monitor: MonitorState | null;
}

/** Oldest first: the view's default order, kept by the adapter as changes arrive. */
const byArrival = (a: SupervisorCall, b: SupervisorCall) =>
  a.createdAt - b.createdAt || a.id.localeCompare(b.id);

/**
 * Calls stay sorted by arrival in the store: the adapter merges each frame's few upserts into
 * the order (O(n + k log k)) instead of every selector re-sorting thousands of rows per frame.
 */
export const supervisorCallsAdapter = createEntityAdapter<SupervisorCall>({
  sortComparer: byArrival,
});
export const supervisorAgentsAdapter = createEntityAdapter<SupervisorAgent>({
  sortComparer: (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
});

export const initialSupervisorState: SupervisorState = {
  calls: supervisorCallsAdapter.getInitialState(),
  agents: supervisorAgentsAdapter.getInitialState(),
  groups: [],
  feed: 'idle',
  feedError: null,
  now: 0,
  groupFilter: null,
  statusFilter: 'all',
  sort: 'longest-waiting',
  pendingAgentIds: [],
  pendingAssignCallIds: [],
  actionError: null,
  monitor: null,
};

const statusOrder: Record<SupervisorCallStatus, number> = {
  queued: 0,
  ringing: 1,
  transferring: 2,
  held: 3,
  connected: 4,
};

const comparers: Record<CallSort, (a: SupervisorCall, b: SupervisorCall) => number> = {
  'longest-waiting': (a, b) => a.createdAt - b.createdAt,
  newest: (a, b) => b.createdAt - a.createdAt,
  caller: (a, b) => a.from.name.localeCompare(b.from.name),
  group: (a, b) => (a.ringGroup?.name ?? '').localeCompare(b.ringGroup?.name ?? ''),
  status: (a, b) => statusOrder[a.status] - statusOrder[b.status],
};

const waitingStatuses = new Set<SupervisorCallStatus>(['queued', 'ringing']);

export const supervisorFeature = createFeature({
  name: 'supervisor',
  reducer: createReducer(
    initialSupervisorState,
    on(SupervisorPageActions.opened, (state): SupervisorState => ({
      ...state,
      feed: 'connecting',
      feedError: null,
    })),
    on(SupervisorPageActions.closed, (): SupervisorState => initialSupervisorState),
    on(SupervisorFeedActions.snapshotReceived, (state, { snapshot }): SupervisorState => ({
      ...state,
      calls: supervisorCallsAdapter.setAll(snapshot.calls, state.calls),
      agents: supervisorAgentsAdapter.setAll(snapshot.agents, state.agents),
      groups: snapshot.groups,
      feed: 'live',
      feedError: null,
      now: Math.max(state.now, snapshot.at),
    })),
    on(SupervisorFeedActions.changesReceived, (state, { changes }): SupervisorState => {
      let calls = supervisorCallsAdapter.removeMany(changes.calls.remove, state.calls);
      calls = supervisorCallsAdapter.upsertMany(changes.calls.upsert, calls);
      let agents = supervisorAgentsAdapter.removeMany(changes.agents.remove, state.agents);
      agents = supervisorAgentsAdapter.upsertMany(changes.agents.upsert, agents);
      return {
        ...state,
        calls,
        agents,
        // The server sends the groups only when their figures changed.
        groups: changes.groups.length > 0 ? changes.groups : state.groups,
        now: Math.max(state.now, changes.at),
      };
    }),
    on(SupervisorFeedActions.refused, (state, { message }): SupervisorState => ({
      ...state,
      feed: 'refused',
      feedError: message,
    })),
    on(SupervisorFeedActions.connectionLost, (state, { message }): SupervisorState => ({
      ...state,
      feed: 'reconnecting',
      feedError: message,
    })),
    on(SupervisorClockActions.ticked, (state, { now }): SupervisorState => ({ ...state, now })),
    on(SupervisorPageActions.groupFilterChanged, (state, { groupId }): SupervisorState => ({
      ...state,
      groupFilter: groupId,
    })),
    on(SupervisorPageActions.statusFilterChanged, (state, { status }): SupervisorState => ({
      ...state,
      statusFilter: status,
    })),
    on(SupervisorPageActions.sortChanged, (state, { sort }): SupervisorState => ({
      ...state,
      sort,
    })),
    on(SupervisorPageActions.forceAwayClicked, (state, { userId }): SupervisorState => ({
      ...state,
      pendingAgentIds: [...state.pendingAgentIds, userId],
      actionError: null,
    })),
    on(SupervisorApiActions.forceAwaySucceeded, (state, { userId }): SupervisorState => ({
      ...state,
      pendingAgentIds: state.pendingAgentIds.filter((id) => id !== userId),
    })),
    on(SupervisorApiActions.forceAwayFailed, (state, { userId, message }): SupervisorState => ({
      ...state,
      pendingAgentIds: state.pendingAgentIds.filter((id) => id !== userId),
      actionError: message,
    })),
    on(SupervisorPageActions.monitorClicked, (state, { callId }): SupervisorState => ({
      ...state,
      monitor: { callId, mode: 'monitor', status: 'requesting', error: null },
    })),
    on(SupervisorPageActions.whisperClicked, (state, { callId }): SupervisorState => ({
      ...state,
      monitor: { callId, mode: 'whisper', status: 'requesting', error: null },
    })),
    on(SupervisorPageActions.bargeClicked, (state, { callId }): SupervisorState => ({
      ...state,
      monitor: { callId, mode: 'barge', status: 'requesting', error: null },
    })),
    on(SupervisorApiActions.monitorJoined, (state, { callId }): SupervisorState => ({
      ...state,
      monitor: { callId, mode: state.monitor?.mode ?? 'monitor', status: 'joined', error: null },
    })),
    on(SupervisorApiActions.monitorFailed, (state, { callId, message }): SupervisorState => ({
      ...state,
      monitor: {
        callId,
        mode: state.monitor?.mode ?? 'monitor',
        status: 'failed',
        error: message,
      },
    })),
    on(SupervisorPageActions.assignClicked, (state, { callId }): SupervisorState => ({
      ...state,
      pendingAssignCallIds: [...state.pendingAssignCallIds, callId],
      actionError: null,
    })),
    on(SupervisorApiActions.assignSucceeded, (state, { call }): SupervisorState => ({
      ...state,
      // The row itself changes with the feed's next frame (never resurrect a call it removed).
      pendingAssignCallIds: state.pendingAssignCallIds.filter((id) => id !== call.id),
    })),
    on(SupervisorApiActions.assignFailed, (state, { callId, message }): SupervisorState => ({
      ...state,
      pendingAssignCallIds: state.pendingAssignCallIds.filter((id) => id !== callId),
      actionError: message,
    })),
    on(
      SupervisorPageActions.stopMonitoringClicked,
      SupervisorApiActions.monitorEnded,
      (state): SupervisorState => ({ ...state, monitor: null }),
    ),
  ),
  extraSelectors: ({
    selectCalls,
    selectAgents,
    selectGroupFilter,
    selectStatusFilter,
    selectSort,
  }) => {
    const { selectAll: selectAllCallsOf } = supervisorCallsAdapter.getSelectors();
    const { selectAll: selectAllAgentsOf } = supervisorAgentsAdapter.getSelectors();
    const selectAllCalls = createSelector(selectCalls, selectAllCallsOf);
    const selectAllAgents = createSelector(selectAgents, selectAllAgentsOf);
    return {
      selectAllCalls,
      selectAllAgents,
      selectCallEntities: createSelector(selectCalls, (calls) => calls.entities),
      selectVisibleCalls: createSelector(
        selectAllCalls,
        selectGroupFilter,
        selectStatusFilter,
        selectSort,
        (calls, groupId, status, sort) => {
          const visible =
            groupId === null && status === 'all'
              ? calls
              : calls.filter(
                  (call) =>
                    (groupId === null || call.ringGroup?.id === groupId) &&
                    (status === 'all' || call.status === status),
                );
          // The store's own order is the default one: no sort at all on the hot path.
          if (sort === 'longest-waiting') return visible;
          return [...visible].sort((a, b) => comparers[sort](a, b) || a.id.localeCompare(b.id));
        },
      ),
      /** The call waiting (queued or ringing) the longest, across every group: it stands out. */
      selectLongestWaitingCallId: createSelector(
        selectAllCalls,
        // Calls are oldest first: the first one still waiting is the answer.
        (calls) => calls.find((call) => waitingStatuses.has(call.status))?.id ?? null,
      ),
      /** Who a queued or ringing call can be pulled to: the agents available right now. */
      selectAvailableAgents: createSelector(selectAllAgents, (agents) =>
        agents.filter((agent) => agent.presence === 'available'),
      ),
      selectCallCounts: createSelector(selectAllCalls, (calls) => {
        const counts: Record<SupervisorCallStatus, number> = {
          queued: 0,
          ringing: 0,
          connected: 0,
          held: 0,
          transferring: 0,
        };
        for (const call of calls) counts[call.status]++;
        return counts;
      }),
    };
  },
});
