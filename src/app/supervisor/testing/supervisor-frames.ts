import type {
  SupervisorAgent,
  SupervisorCall,
  SupervisorChanges,
  SupervisorGroup,
  SupervisorSnapshot,
} from '../../../../protocol/supervisor-protocol';

/** Builders for feed frames in specs (and the benchmark's synthetic feed). */
export function supervisorCall(overrides: Partial<SupervisorCall> = {}): SupervisorCall {
  return {
    id: 'call-1',
    from: { name: 'Customer', address: '+15550100' },
    to: { name: 'support', address: '/group/support' },
    ringGroup: { id: 'g-support', name: 'support' },
    status: 'ringing',
    rungAgents: [],
    answeredBy: null,
    attempt: 1,
    createdAt: 100_000,
    answeredAt: null,
    ...overrides,
  };
}

export function supervisorAgent(overrides: Partial<SupervisorAgent> = {}): SupervisorAgent {
  return {
    id: 'user-ada',
    name: 'Ada Lovelace',
    username: 'ada',
    presence: 'available',
    presenceSince: 90_000,
    currentCallId: null,
    answeredToday: 0,
    missedToday: 0,
    declinedToday: 0,
    talkMsToday: 0,
    holdMsToday: 0,
    averageHandleMsToday: null,
    currentCall: null,
    ...overrides,
  };
}

const noFigures = { answered: 0, abandoned: 0, missed: 0, averageWaitMs: null, serviceLevel: null };

export function supervisorGroup(overrides: Partial<SupervisorGroup> = {}): SupervisorGroup {
  return {
    id: 'g-support',
    name: 'support',
    serviceLevelSeconds: 20,
    waiting: 0,
    longestWaitingSince: null,
    today: noFigures,
    last15Minutes: noFigures,
    waitingSamples: [],
    ...overrides,
  };
}

export function snapshotFrame(overrides: Partial<SupervisorSnapshot> = {}): SupervisorSnapshot {
  return {
    type: 'supervisor.snapshot',
    at: 100_000,
    tenant: { id: 't1', name: 'demo' },
    heartbeatSeconds: 3,
    calls: [],
    agents: [],
    groups: [],
    ...overrides,
  };
}

export function changesFrame(overrides: Partial<SupervisorChanges> = {}): SupervisorChanges {
  return {
    type: 'supervisor.changes',
    at: 100_000,
    calls: { upsert: [], remove: [] },
    agents: { upsert: [], remove: [] },
    groups: [],
    ...overrides,
  };
}
