import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type {
  MonitorCredentials,
  SupervisorCall,
  SupervisorChanges,
  SupervisorSnapshot,
} from '../../../protocol/supervisor-protocol';
import type { CallSort, CallStatusFilter } from './supervisor.feature';

export const SupervisorPageActions = createActionGroup({
  source: 'Supervisor Page',
  events: {
    Opened: emptyProps(),
    Closed: emptyProps(),
    'Group Filter Changed': props<{ groupId: string | null }>(),
    'Status Filter Changed': props<{ status: CallStatusFilter }>(),
    'Sort Changed': props<{ sort: CallSort }>(),
    'Force Away Clicked': props<{ userId: string }>(),
    'Monitor Clicked': props<{ callId: string }>(),
    /** Speak to the agent only. */
    'Whisper Clicked': props<{ callId: string }>(),
    /** Speak to everyone on the call. */
    'Barge Clicked': props<{ callId: string }>(),
    'Stop Monitoring Clicked': emptyProps(),
    'Assign Clicked': props<{ callId: string; userId: string }>(),
  },
});

export const SupervisorFeedActions = createActionGroup({
  source: 'Supervisor Feed',
  events: {
    'Snapshot Received': props<{ snapshot: SupervisorSnapshot }>(),
    'Changes Received': props<{ changes: SupervisorChanges }>(),
    /** The server closed the feed for good (not a supervisor, signed out). */
    Refused: props<{ message: string }>(),
    'Connection Lost': props<{ message: string }>(),
  },
});

export const SupervisorClockActions = createActionGroup({
  source: 'Supervisor Clock',
  events: { Ticked: props<{ now: number }>() },
});

export const SupervisorApiActions = createActionGroup({
  source: 'Supervisor API',
  events: {
    'Force Away Succeeded': props<{ userId: string }>(),
    'Force Away Failed': props<{ userId: string; message: string }>(),
    'Monitor Credentials Received': props<{ callId: string; credentials: MonitorCredentials }>(),
    'Monitor Failed': props<{ callId: string; message: string }>(),
    'Monitor Joined': props<{ callId: string }>(),
    'Monitor Ended': emptyProps(),
    'Assign Succeeded': props<{ call: SupervisorCall }>(),
    'Assign Failed': props<{ callId: string; message: string }>(),
  },
});
