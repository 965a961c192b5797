import type { ActiveCallView, OutgoingCallView } from '../calls/calls.selectors';
import { statusLine, type StatusFacts } from './status-line';

const online: StatusFacts = {
  registered: true,
  wantsOnline: true,
  presence: 'available',
  activeCall: null,
  outgoingCall: null,
  ringingCallerNames: [],
};

const connected: ActiveCallView = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  callerAddress: '/private/katherine',
  ringGroupName: 'support',
  details: [],
  statusText: 'Connected',
  talkSeconds: 12,
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

const toGrace = {
  destinationName: 'Grace Hopper',
  destinationAddress: '/private/grace',
  consultationCallId: 'consult-1',
  statusText: '',
};

describe('statusLine', () => {
  it('says whether calls ring here, from the presence the server holds', () => {
    expect(statusLine({ ...online, registered: false, wantsOnline: false })).toBe(
      'Offline: calls do not ring here',
    );
    expect(statusLine({ ...online, registered: false })).toBe('Coming online…');
    expect(statusLine(online)).toBe('Online: calls ring here');
    expect(statusLine({ ...online, presence: 'away' })).toBe('Away: calls do not ring here');
    expect(statusLine({ ...online, presence: 'busy' })).toBe(
      'Busy: calls will ring when your call ends',
    );
  });

  it('says wrap-up during wrap-up, not "calls ring here"', () => {
    expect(statusLine({ ...online, presence: 'wrap-up' })).toBe(
      'Wrap-up: calls will ring when you are done',
    );
  });

  it('says what the call is doing: ringing, connected, held, consulting, transferring', () => {
    expect(statusLine({ ...online, ringingCallerNames: ['Katherine Johnson'] })).toBe(
      'Ringing: Katherine Johnson is calling',
    );
    expect(statusLine({ ...online, ringingCallerNames: ['Katherine Johnson', 'Mary'] })).toBe(
      'Ringing: 2 calls',
    );
    const busy = { ...online, presence: 'busy' as const };
    expect(statusLine({ ...busy, activeCall: { ...connected, statusText: 'Connecting…' } })).toBe(
      'Connecting to Katherine Johnson…',
    );
    expect(statusLine({ ...busy, activeCall: connected })).toBe('On a call with Katherine Johnson');
    expect(statusLine({ ...busy, activeCall: { ...connected, held: true } })).toBe(
      'On hold: Katherine Johnson is waiting',
    );
    const warm = (status: 'ringing' | 'consulting') => ({
      ...busy,
      activeCall: {
        ...connected,
        held: true,
        transfer: { ...toGrace, mode: 'warm' as const, status },
      },
    });
    expect(statusLine(warm('ringing'))).toBe('Calling Grace Hopper: Katherine Johnson is on hold');
    expect(statusLine(warm('consulting'))).toBe(
      'Consulting Grace Hopper: Katherine Johnson is on hold',
    );
    const blind = {
      ...connected,
      held: true,
      transfer: { ...toGrace, mode: 'blind' as const, status: 'ringing' as const },
    };
    expect(statusLine({ ...busy, activeCall: blind })).toBe(
      'Transferring Katherine Johnson to Grace Hopper',
    );
    // A transfer nobody took: the caller is back, on hold with this agent.
    const failed = { ...blind, transfer: { ...blind.transfer, status: 'failed' as const } };
    expect(statusLine({ ...busy, activeCall: failed })).toBe(
      'On hold: Katherine Johnson is waiting',
    );
  });

  it('an ended call lingering on the panel no longer speaks for the agent', () => {
    expect(
      statusLine({ ...online, presence: 'wrap-up', activeCall: { ...connected, ended: true } }),
    ).toBe('Wrap-up: calls will ring when you are done');
  });

  it('on the caller’s side: calling, then on a call', () => {
    const outgoing: OutgoingCallView = {
      callId: 'out-1',
      calleeName: 'support',
      calleeAddress: '/group/support',
      statusText: 'Ringing',
      answeredByName: null,
      agentText: null,
      seconds: 2,
      live: true,
      answered: false,
      outcome: null,
      busy: false,
      held: false,
    };
    expect(statusLine({ ...online, outgoingCall: outgoing })).toBe('Calling support…');
    expect(statusLine({ ...online, outgoingCall: { ...outgoing, answered: true } })).toBe(
      'On a call to support',
    );
    expect(statusLine({ ...online, outgoingCall: { ...outgoing, live: false } })).toBe(
      'Online: calls ring here',
    );
  });
});
