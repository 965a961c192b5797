import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type {
  ConnectionState,
  Presence,
  SelectablePresence,
  SessionUser,
  TelephonyErrorReason,
  NotReady,
  WrapUp,
  GroupQueue,
} from '@switchboard/telephony';

type Failure = { reason: TelephonyErrorReason | 'unknown'; message: string };

/** What the SDK reports about this tab's session. */
export const TelephonyEvents = createActionGroup({
  source: 'Telephony',
  events: {
    'Connection Changed': props<{ state: ConnectionState }>(),
    'Hello Received': props<{ user: SessionUser }>(),
    'Registration Changed': props<{ registered: boolean }>(),
    'Presence Changed': props<{ presence: Presence }>(),
    'Addresses Changed': props<{ addresses: string[] }>(),
    'Wrap Up Changed': props<{ wrapUp: WrapUp | null }>(),
    'Not Ready Changed': props<{ notReady: NotReady | null }>(),
    /** The server pushed the agent's ring groups' queues. */
    'Queues Changed': props<{ queues: GroupQueue[] }>(),
  },
});

export const MissedCallBannerActions = createActionGroup({
  source: 'Missed Call Banner',
  events: {
    'Back Clicked': emptyProps(),
  },
});

export const WrapUpPanelActions = createActionGroup({
  source: 'Wrap Up Panel',
  events: {
    'Finish Clicked': emptyProps(),
    'Extend Clicked': props<{ seconds: number }>(),
  },
});

/** A reloaded (or crashed and reopened) tab whose agent was online comes back online by itself. */
export const SessionRestoreActions = createActionGroup({
  source: 'Session Restore',
  events: {
    'Was Online': emptyProps(),
  },
});

export const OnlineToggleActions = createActionGroup({
  source: 'Online Toggle',
  events: {
    'Come Online Toggled': emptyProps(),
    'Go Offline Toggled': emptyProps(),
  },
});

export const PresenceSelectActions = createActionGroup({
  source: 'Presence Select',
  events: {
    'Presence Chosen': props<{ presence: SelectablePresence }>(),
  },
});

export const SessionApiActions = createActionGroup({
  source: 'Session API',
  events: {
    'Come Online Succeeded': emptyProps(),
    'Come Online Failed': props<Failure>(),
    'Go Offline Succeeded': emptyProps(),
    'Go Offline Failed': props<Failure>(),
    'Presence Change Failed': props<Failure>(),
    'Wrap Up Command Failed': props<Failure>(),
  },
});
