import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { SupervisorPageActions } from '../supervisor.actions';
import {
  initialSupervisorState,
  supervisorAgentsAdapter,
  supervisorCallsAdapter,
} from '../supervisor.feature';
import { supervisorAgent, supervisorCall, supervisorGroup } from '../testing/supervisor-frames';
import { SupervisorPage } from './supervisor-page';

const signedInAs = (role: string) => ({
  ...initialRootState.auth,
  status: 'signed-in' as const,
  user: {
    id: 'u-boss',
    reference: 'boss',
    name: 'Boss',
    role,
    address: '/private/boss',
    tenant: 'demo',
  },
});

describe('SupervisorPage', () => {
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  async function render(role: string) {
    const now = 200_000;
    const supervisor = {
      ...initialSupervisorState,
      feed: 'live' as const,
      now,
      groups: [supervisorGroup({ waiting: 2, longestWaitingSince: now - 75_000 })],
      calls: supervisorCallsAdapter.setAll(
        [
          supervisorCall({
            id: 'ringing',
            createdAt: now - 75_000,
            from: { name: 'Katherine Johnson', address: 'k' },
            rungAgents: [
              { id: 'a', name: 'Ada' },
              { id: 'b', name: 'Bob' },
              { id: 'c', name: 'Cy' },
            ],
          }),
          supervisorCall({
            id: 'talking',
            status: 'connected',
            createdAt: now - 200_000,
            answeredAt: now - 65_000,
            answeredBy: { id: 'a', name: 'Ada' },
          }),
        ],
        initialSupervisorState.calls,
      ),
      agents: supervisorAgentsAdapter.setAll(
        [
          supervisorAgent({
            id: 'a',
            name: 'Ada',
            presence: 'busy',
            currentCallId: 'talking',
            presenceSince: now - 65_000,
            answeredToday: 3,
          }),
          supervisorAgent({ id: 'b', name: 'Bob', presence: 'away' }),
        ],
        initialSupervisorState.agents,
      ),
    };
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({
          initialState: { ...initialRootState, auth: signedInAs(role), supervisor },
        }),
      ],
    });
    const store = TestBed.inject(MockStore);
    const dispatch = spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(SupervisorPage);
    const element = fixture.nativeElement as HTMLElement;
    // The virtual scroll viewports measure themselves on an animation frame before rendering rows.
    for (let frame = 0; frame < 20; frame++) {
      fixture.detectChanges();
      await fixture.whenStable();
      const rendering = role !== 'agent' && !element.querySelector('[data-call-id]');
      if (!rendering) break;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    const loader = TestbedHarnessEnvironment.loader(fixture);
    return { fixture, element, dispatch, loader };
  }

  it('refuses agents and never opens the feed', async () => {
    const { element, dispatch, fixture } = await render('agent');
    expect(element.querySelector('[role=alert]')?.textContent).toContain(
      'The supervisor view is for supervisors and admins',
    );
    expect(element.querySelector('app-live-calls')).toBeNull();
    fixture.destroy();
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('opens the feed for a supervisor and closes it on leaving', async () => {
    const { dispatch, fixture } = await render('supervisor');
    expect(dispatch).toHaveBeenCalledWith(SupervisorPageActions.opened());
    fixture.destroy();
    expect(dispatch).toHaveBeenCalledWith(SupervisorPageActions.closed());
  });

  it('shows the group figures, the calls with their timers and agents, and marks the longest wait', async () => {
    const { element } = await render('admin');
    const card = element.querySelector('app-group-card')!;
    expect(card.querySelector('[data-figure=waiting]')?.textContent?.trim()).toBe('2');
    expect(card.querySelector('[data-figure=longest-wait]')?.textContent?.trim()).toBe('1:15');
    expect(card.querySelector('app-waiting-sparkline svg')).not.toBeNull();

    const ringing = element.querySelector<HTMLElement>('[data-call-id=ringing]')!;
    expect(ringing.classList).toContain('longest');
    expect(ringing.querySelector('.time')?.textContent?.trim()).toBe('1:15');
    expect(ringing.querySelector('.agents')?.textContent?.trim()).toBe('Ada, Bob, Cy');
    const talking = element.querySelector<HTMLElement>('[data-call-id=talking]')!;
    expect(talking.classList).not.toContain('longest');
    expect(talking.querySelector('.time')?.textContent?.trim()).toBe('1:05');
    expect(talking.querySelector('.agents')?.textContent?.trim()).toBe('Ada');

    const ada = element.querySelector<HTMLElement>('[data-agent-id=a]')!;
    expect(ada.querySelector('.presence')?.textContent?.trim()).toBe('On call');
    expect(ada.querySelector('.time')?.textContent?.trim()).toBe('1:05');
    expect(ada.textContent).toContain('on a call');
  });

  it('forces an agent away and monitors a connected call', async () => {
    const { loader, dispatch } = await render('supervisor');
    const forceAda = await loader.getHarness(
      MatButtonHarness.with({ selector: '[aria-label="Force Ada away"]' }),
    );
    const forceBob = await loader.getHarness(
      MatButtonHarness.with({ selector: '[aria-label="Force Bob away"]' }),
    );
    expect(await forceBob.isDisabled()).toBeTrue();
    await forceAda.click();
    expect(dispatch).toHaveBeenCalledWith(SupervisorPageActions.forceAwayClicked({ userId: 'a' }));

    const monitorButtons = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Monitor' }));
    expect(monitorButtons.length).toBe(1);
    await monitorButtons[0].click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.monitorClicked({ callId: 'talking' }),
    );
  });
});
