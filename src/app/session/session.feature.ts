import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import { AuthSessionActions, ToolbarActions } from '../auth/auth.actions';
import type {
  ConnectionState,
  GroupQueue,
  NotReady,
  Presence,
  WrapUp,
} from '@switchboard/telephony';
import {
  MissedCallBannerActions,
  OnlineToggleActions,
  SessionRestoreActions,
  PresenceSelectActions,
  SessionApiActions,
  TelephonyEvents,
  WrapUpPanelActions,
} from './session.actions';

export interface SessionState {
  connectionState: ConnectionState;
  /** What the agent asked for with the toggle; survives reconnects. */
  wantsOnline: boolean;
  /** What the server confirmed: this tab will be rung. */
  registered: boolean;
  presence: Presence;
  addresses: string[];
  /** After-call work in progress (the server's `wrap_up`), null when none. */
  wrapUp: WrapUp | null;
  /** Away because a call rang out here ("Missed"); null otherwise. */
  notReady: NotReady | null;
  /** The agent's ring groups' queues as the server last pushed them (the desk's queue view). */
  queues: GroupQueue[];
  tenantName: string | null;
  error: string | null;
}

export const initialSessionState: SessionState = {
  connectionState: 'offline',
  wantsOnline: false,
  registered: false,
  presence: 'offline',
  addresses: [],
  wrapUp: null,
  notReady: null,
  queues: [],
  tenantName: null,
  error: null,
};

export const sessionFeature = createFeature({
  name: 'session',
  reducer: createReducer(
    initialSessionState,
    on(TelephonyEvents.connectionChanged, (state, { state: connectionState }): SessionState => ({
      ...state,
      connectionState,
    })),
    on(TelephonyEvents.helloReceived, (state, { user }): SessionState => ({
      ...state,
      tenantName: user.tenant.name,
    })),
    on(TelephonyEvents.registrationChanged, (state, { registered }): SessionState => ({
      ...state,
      registered,
    })),
    on(TelephonyEvents.presenceChanged, (state, { presence }): SessionState => ({
      ...state,
      presence,
    })),
    on(TelephonyEvents.addressesChanged, (state, { addresses }): SessionState => ({
      ...state,
      addresses,
    })),
    on(TelephonyEvents.notReadyChanged, (state, { notReady }): SessionState => ({
      ...state,
      notReady,
    })),
    on(TelephonyEvents.queuesChanged, (state, { queues }): SessionState => ({ ...state, queues })),
    on(MissedCallBannerActions.backClicked, (state): SessionState => ({ ...state, error: null })),
    on(TelephonyEvents.wrapUpChanged, (state, { wrapUp }): SessionState => ({
      ...state,
      wrapUp,
    })),
    on(
      WrapUpPanelActions.finishClicked,
      WrapUpPanelActions.extendClicked,
      (state): SessionState => ({ ...state, error: null }),
    ),
    on(SessionApiActions.wrapUpCommandFailed, (state, { message }): SessionState => ({
      ...state,
      error: `Could not change the wrap-up: ${message}`,
    })),
    on(
      OnlineToggleActions.comeOnlineToggled,
      SessionRestoreActions.wasOnline,
      (state): SessionState => ({
        ...state,
        wantsOnline: true,
        error: null,
      }),
    ),
    on(OnlineToggleActions.goOfflineToggled, (state): SessionState => ({
      ...state,
      wantsOnline: false,
      error: null,
    })),
    on(PresenceSelectActions.presenceChosen, (state): SessionState => ({ ...state, error: null })),
    on(SessionApiActions.comeOnlineFailed, (state, { message }): SessionState => ({
      ...state,
      wantsOnline: false,
      error: `Could not come online: ${message}`,
    })),
    on(SessionApiActions.goOfflineFailed, (state, { message }): SessionState => ({
      ...state,
      error: `Could not go offline: ${message}`,
    })),
    on(SessionApiActions.presenceChangeFailed, (state, { message }): SessionState => ({
      ...state,
      error: `Could not change presence: ${message}`,
    })),
    on(
      ToolbarActions.signOutClicked,
      AuthSessionActions.expired,
      (): SessionState => initialSessionState,
    ),
  ),
  extraSelectors: ({ selectConnectionState, selectRegistered, selectWantsOnline }) => ({
    /** Online as the agent sees it: asked for, and confirmed or being restored after a drop. */
    selectIsOnline: createSelector(
      selectRegistered,
      selectWantsOnline,
      selectConnectionState,
      (registered, wantsOnline, connection) =>
        registered || (wantsOnline && connection === 'reconnecting'),
    ),
  }),
});
