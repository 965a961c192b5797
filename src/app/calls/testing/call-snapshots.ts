import type { CallSnapshot } from '../call-snapshot';
import type { CallRecord } from '../calls.feature';

/** An inbound group call from Katherine, ringing since t = 100 s. */
export function snapshot(overrides: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    id: 'call-1',
    direction: 'inbound',
    from: { name: 'Katherine Johnson', address: '/private/katherine' },
    to: { name: 'support', address: '/group/support' },
    ringGroup: { id: 'group-support', name: 'support' },
    status: 'ringing',
    endReason: null,
    answeredBy: null,
    createdAt: 100_000,
    ringingAt: 100_000,
    answeredAt: null,
    endedAt: null,
    attempt: 1,
    held: false,
    heldAt: null,
    transferredBy: null,
    transfer: null,
    consultationFor: null,
    consultationAbout: null,
    params: {},
    ...overrides,
  };
}

export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    ...snapshot(),
    answeredHere: false,
    pending: null,
    error: null,
    cardDismissed: false,
    hungUpHere: false,
    transferredTo: null,
    ...overrides,
  };
}
