import { ToolbarActions } from '../auth/auth.actions';
import { OnlineToggleActions, SessionApiActions, TelephonyEvents } from './session.actions';
import { initialSessionState, sessionFeature } from './session.feature';

const { reducer, selectIsOnline } = sessionFeature;

describe('session reducer', () => {
  it('follows what the SDK reports', () => {
    let state = reducer(
      initialSessionState,
      TelephonyEvents.connectionChanged({ state: 'online' }),
    );
    state = reducer(
      state,
      TelephonyEvents.helloReceived({
        user: {
          id: 'u',
          name: 'Ada Lovelace',
          reference: 'ada@demo.test',
          role: 'agent',
          tenant: { id: 't', name: 'demo' },
        },
      }),
    );
    state = reducer(state, OnlineToggleActions.comeOnlineToggled());
    state = reducer(state, TelephonyEvents.registrationChanged({ registered: true }));
    state = reducer(state, TelephonyEvents.presenceChanged({ presence: 'available' }));
    state = reducer(state, TelephonyEvents.addressesChanged({ addresses: ['/private/ada'] }));
    const support = {
      group: { id: 'g1', name: 'support' },
      waiting: 1,
      longestWaitingSince: 5,
      available: [{ id: 'u2', name: 'Bob' }],
    };
    state = reducer(state, TelephonyEvents.queuesChanged({ queues: [support] }));

    expect(state).toEqual({
      connectionState: 'online',
      wantsOnline: true,
      registered: true,
      presence: 'available',
      addresses: ['/private/ada'],
      wrapUp: null,
      notReady: null,
      queues: [support],
      tenantName: 'demo',
      error: null,
    });
    expect(reducer(state, ToolbarActions.signOutClicked())).toEqual(initialSessionState);
  });

  it('turns the toggle back off when coming online failed', () => {
    const wanting = reducer(initialSessionState, OnlineToggleActions.comeOnlineToggled());
    expect(
      reducer(
        wanting,
        SessionApiActions.comeOnlineFailed({ reason: 'timeout', message: 'no reply' }),
      ),
    ).toEqual({
      ...initialSessionState,
      wantsOnline: false,
      error: 'Could not come online: no reply',
    });
  });

  it('counts an agent as online while a dropped connection is being restored', () => {
    expect(selectIsOnline.projector(false, true, 'reconnecting')).toBeTrue();
    expect(selectIsOnline.projector(false, true, 'offline')).toBeFalse();
    expect(selectIsOnline.projector(true, false, 'online')).toBeTrue();
  });
});
