/**
 * A CallRouter on a manual clock, for unit tests of routing rules that depend on time (ring
 * timeouts, retries, maximum wait, lingering). People and groups live in a small in-memory
 * Directory; records are collected instead of written; each "tab" is a session whose pushes
 * are kept the way a client would keep them.
 */
import type { CallView, Presence, ServerMessage } from '../../../protocol/session-protocol.ts';
import type { CallRecordSink } from '../../calls/call-records.ts';
import type { CallRow, LegRow } from '../../calls/call-repository.ts';
import type { Config } from '../../config.ts';
import type { Directory, RingGroupRecord, UserRecord } from '../../directory/directory.ts';
import { CallRouter } from '../call-router.ts';
import { ManualScheduler } from './manual-scheduler.ts';

class MemoryDirectory implements Directory {
  readonly users: UserRecord[] = [];
  readonly groups: RingGroupRecord[] = [];
  async tenant(tenantId: string) {
    return { id: tenantId, name: tenantId };
  }
  async user(tenantId: string, userId: string) {
    return this.users.find((user) => user.tenantId === tenantId && user.id === userId) ?? null;
  }
  async userByUsername(tenantId: string, username: string) {
    return (
      this.users.find((user) => user.tenantId === tenantId && user.username === username) ?? null
    );
  }
  async ringGroup(tenantId: string, id: string) {
    return this.groups.find((group) => group.tenantId === tenantId && group.id === id) ?? null;
  }
  async ringGroupByName(tenantId: string, name: string) {
    return this.groups.find((group) => group.tenantId === tenantId && group.name === name) ?? null;
  }
  async ringGroupsOfUser(tenantId: string, userId: string) {
    return this.groups.filter(
      (group) => group.tenantId === tenantId && group.memberIds.includes(userId),
    );
  }
}

class CollectedRecords implements CallRecordSink {
  readonly created: CallRow[] = [];
  readonly ended: { call: CallRow; legs: LegRow[] }[] = [];
  callCreated(call: CallRow) {
    this.created.push(call);
  }
  callAnswered() {}
  callEnded(call: CallRow, legs: LegRow[]) {
    this.ended.push({ call, legs });
  }
  async recoverUnfinished() {
    return 0;
  }
}

/** One session as its client sees it. */
export class Tab {
  calls: CallView[] = [];
  presence: Presence = 'offline';
  readonly outgoing = new Map<string, CallView>();
  readonly frames: ServerMessage[] = [];
  constructor(
    readonly sessionId: string,
    readonly user: UserRecord,
  ) {}
  receive(message: ServerMessage) {
    this.frames.push(message);
    if (message.type === 'incoming_calls') this.calls = message.calls;
    if (message.type === 'presence') this.presence = message.presence;
    if (message.type === 'outgoing_call') this.outgoing.set(message.call.id, message.call);
  }
  call(callId: string) {
    return this.calls.find((call) => call.id === callId);
  }
}

export const TENANT = 'tenant-1';

export function routerFixture(configOverrides: Partial<Config> = {}) {
  const scheduler = new ManualScheduler();
  const directory = new MemoryDirectory();
  const records = new CollectedRecords();
  const config = {
    ringTimeoutSeconds: 20,
    maxQueueWaitSeconds: 600,
    retryIntervalSeconds: 5,
    endedCallLingerMs: 4000,
    heartbeatSeconds: 3,
    ...configOverrides,
  } as Config;
  const router = new CallRouter({
    config,
    directory,
    records,
    scheduler,
    log: { error: (details, message) => assertNever(message, details) },
  });
  let sessions = 0;

  return {
    router,
    scheduler,
    records,
    addUser(username: string, displayName = username): UserRecord {
      const user: UserRecord = {
        id: `user-${username}`,
        tenantId: TENANT,
        reference: `${username}@test`,
        username,
        displayName,
        role: 'agent',
      };
      directory.users.push(user);
      return user;
    },
    addGroup(
      name: string,
      members: UserRecord[],
      timings: Partial<RingGroupRecord> = {},
    ): RingGroupRecord {
      const group: RingGroupRecord = {
        id: `group-${name}`,
        tenantId: TENANT,
        name,
        memberIds: members.map((member) => member.id),
        ringTimeoutSeconds: 20,
        maxWaitSeconds: 600,
        retryIntervalSeconds: 5,
        ...timings,
      };
      directory.groups.push(group);
      return group;
    },
    /** Opens a session for the user; `online` also comes online. */
    openTab(user: UserRecord, { online = true } = {}): Tab {
      const tab = new Tab(`session-${++sessions}`, user);
      router.bus.subscribe(tab.sessionId, (message) => tab.receive(message));
      router.openSession(tab.sessionId, TENANT, user);
      if (online) router.comeOnline(tab.sessionId);
      return tab;
    },
    /** Lets pending promises (directory lookups) settle. */
    settle: () => new Promise<void>((resolve) => setImmediate(resolve)),
  };
}

function assertNever(message: string, details: object): never {
  throw new Error(`router logged an error: ${message} ${JSON.stringify(details)}`);
}
