import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatChipListboxHarness } from '@angular/material/chips/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { SupervisorPageActions } from '../supervisor.actions';
import {
  initialSupervisorState,
  supervisorAgentsAdapter,
  supervisorCallsAdapter,
  type MonitorState,
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

  async function render(role: string, monitor: MonitorState | null = null) {
    const now = 200_000;
    const supervisor = {
      ...initialSupervisorState,
      feed: 'live' as const,
      now,
      monitor,
      groups: [
        supervisorGroup({
          waiting: 2,
          longestWaitingSince: now - 75_000,
          today: {
            answered: 17,
            abandoned: 2,
            missed: 1,
            averageWaitMs: 9_000,
            serviceLevel: 0.85,
          },
        }),
      ],
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
          supervisorCall({
            id: 'on-hold',
            status: 'held',
            createdAt: now - 50_000,
            answeredAt: now - 40_000,
            from: { name: 'Held Caller', address: 'h' },
            answeredBy: { id: 'b', name: 'Bob' },
          }),
          supervisorCall({
            id: 'moving',
            status: 'transferring',
            createdAt: now - 30_000,
            answeredAt: now - 20_000,
            from: { name: 'Moving Caller', address: 'm' },
            answeredBy: { id: 'c', name: 'Cy' },
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
            talkMsToday: 600_000,
            holdMsToday: 30_000,
            averageHandleMsToday: 200_000,
            // Answered 65 s ago, 5 s of hold over, on hold again for the last 10 s.
            currentCall: { since: now - 65_000, heldMs: 5_000, heldSince: now - 10_000 },
          }),
          supervisorAgent({ id: 'b', name: 'Bob', presence: 'away' }),
          supervisorAgent({ id: 'd', name: 'Dee', presence: 'available' }),
          supervisorAgent({ id: 'e', name: 'Eve', presence: 'offline', presenceSince: null }),
        ],
        initialSupervisorState.agents,
      ),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
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

  it("shows each agent's talk, hold and average handle time, the current call included", async () => {
    const { element } = await render('supervisor');
    const cells = (id: string) => {
      const row = element.querySelector<HTMLElement>(`[data-agent-id=${id}]`)!;
      return ['talk', 'hold', 'handle'].map((cell) =>
        // innerText: the label that names the figure on a phone is not displayed here.
        row.querySelector<HTMLElement>(`.${cell}`)?.innerText.trim(),
      );
    };
    // Ada: 10:00 talk + 65 s on the call less 15 s of hold; 0:30 + 5 s + the 10 s hold now.
    expect(cells('a')).toEqual(['10:50', '0:45', '3:20']);
    expect(cells('d')).toEqual(['0:00', '0:00', '—']);
    expect(element.querySelector('#agent-figures-legend')?.textContent).toContain(
      '(talk + hold + wrap-up) ÷ calls handled',
    );
  });

  it('explains the group figures and labels the chart', async () => {
    const { element } = await render('supervisor');
    const card = element.querySelector('app-group-card')!;
    const legend = card.querySelector('.legend')!;
    expect(card.querySelector('table')!.getAttribute('aria-describedby')).toBe(legend.id);
    expect(legend.textContent).toContain('each call counts once, whoever answered it');
    expect(legend.textContent).toContain("the agents table counts each agent's own");
    const chart = card.querySelector('app-waiting-sparkline figure')!;
    expect(chart.querySelector('figcaption')?.textContent).toContain('Calls waiting, last hour');
    expect([...chart.querySelector('.x-axis')!.children].map((end) => end.textContent)).toEqual([
      '60 min ago',
      'now',
    ]);
  });

  it('leaves no empty band under the tables: each is as tall as its rows', async () => {
    const { element } = await render('supervisor');
    const viewport = (selector: string) =>
      element.querySelector<HTMLElement>(`${selector} cdk-virtual-scroll-viewport`)!;
    expect(viewport('app-live-calls').getBoundingClientRect().height).toBe(4 * 48);
    expect(viewport('app-agent-list').getBoundingClientRect().height).toBe(4 * 44);
  });

  it('forces an agent away and monitors a connected call', async () => {
    const { loader, dispatch, element } = await render('supervisor');
    const forceAda = await loader.getHarness(MatButtonHarness.with({ text: 'Force away Ada' }));
    // Away or offline there is nothing to force: those rows have no button, not a disabled one.
    for (const name of ['Bob', 'Eve'])
      expect(
        await loader.getAllHarnesses(MatButtonHarness.with({ text: `Force away ${name}` })),
      ).toEqual([]);
    expect(element.querySelectorAll('[data-agent-id] button[disabled]').length).toBe(0);
    // Ada is on a call: the first click only asks; Keep leaves her be.
    await forceAda.click();
    expect(dispatch).not.toHaveBeenCalledWith(
      SupervisorPageActions.forceAwayClicked({ userId: 'a' }),
    );
    await (await loader.getHarness(MatButtonHarness.with({ text: /^Keep Ada/ }))).click();
    await loader.getHarness(MatButtonHarness.with({ text: 'Force away Ada' }));
    expect(dispatch).not.toHaveBeenCalledWith(
      SupervisorPageActions.forceAwayClicked({ userId: 'a' }),
    );
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Force away Ada' }))).click();
    await (
      await loader.getHarness(MatButtonHarness.with({ text: /^Confirm forcing Ada away/ }))
    ).click();
    expect(dispatch).toHaveBeenCalledWith(SupervisorPageActions.forceAwayClicked({ userId: 'a' }));
    // Dee is on no call: one click is enough.
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Force away Dee' }))).click();
    expect(dispatch).toHaveBeenCalledWith(SupervisorPageActions.forceAwayClicked({ userId: 'd' }));

    const monitorButtons = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Monitor' }));
    expect(monitorButtons.length).toBe(1);
    await monitorButtons[0].click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.monitorClicked({ callId: 'talking' }),
    );
  });

  it("shows each group's service level with its threshold", async () => {
    const { element } = await render('supervisor');
    const card = element.querySelector('app-group-card')!;
    expect(card.querySelector('[data-figure=service-level]')?.textContent?.trim()).toBe(
      'SL 85 % (20 s)',
    );
  });

  it('labels and colours held and transferring calls and filters by status chips', async () => {
    const { element, loader, dispatch } = await render('supervisor');
    const held = element.querySelector<HTMLElement>('[data-call-id=on-hold]')!;
    expect(held.getAttribute('aria-label')).toBe('Held Caller, On hold');
    const heldChip = held.querySelector<HTMLElement>('.status-chip')!;
    expect(heldChip.dataset['status']).toBe('held');
    expect(heldChip.textContent?.trim()).toBe('On hold');
    const moving = element.querySelector<HTMLElement>('[data-call-id=moving] .status-chip')!;
    expect(moving.textContent?.trim()).toBe('Transferring');
    const connected = element.querySelector<HTMLElement>('[data-call-id=talking] .status-chip')!;
    // Each status has its own colour.
    expect(getComputedStyle(heldChip).backgroundColor).not.toBe(
      getComputedStyle(moving).backgroundColor,
    );
    expect(getComputedStyle(heldChip).backgroundColor).not.toBe(
      getComputedStyle(connected).backgroundColor,
    );
    // Held and transferring calls are neither monitored nor assigned from the row.
    expect(held.querySelectorAll('button').length).toBe(0);
    expect(element.querySelector('.counts')?.textContent).toContain('1 on hold');
    expect(element.querySelector('.counts')?.textContent).toContain('1 transferring');

    const chips = await loader.getHarness(
      MatChipListboxHarness.with({ selector: '.status-filter' }),
    );
    const texts = await Promise.all((await chips.getChips()).map((chip) => chip.getText()));
    expect(texts).toEqual(['All', 'Queued', 'Ringing', 'Connected', 'On hold', 'Transferring']);
    await chips.selectChips({ text: 'On hold' });
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.statusFilterChanged({ status: 'held' }),
    );
    await chips.selectChips({ text: 'Transferring' });
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.statusFilterChanged({ status: 'transferring' }),
    );
  });

  it('whispers to and barges into a connected call', async () => {
    const { loader, dispatch } = await render('supervisor');
    const whisper = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Whisper' }));
    const barge = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Barge' }));
    expect(whisper.length).toBe(1);
    expect(barge.length).toBe(1);
    await whisper[0].click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.whisperClicked({ callId: 'talking' }),
    );
    await barge[0].click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.bargeClicked({ callId: 'talking' }),
    );
  });

  it('shows the current mode clearly and switches or leaves from there', async () => {
    const { element, loader, dispatch } = await render('supervisor', {
      callId: 'talking',
      mode: 'whisper',
      status: 'joined',
      error: null,
    });
    const section = element.querySelector<HTMLElement>('section.monitor')!;
    expect(section.dataset['mode']).toBe('whisper');
    // The panel names the call the way the desks do: caller, agent, group.
    expect(section.querySelector('.monitored-call')?.textContent?.trim()).toBe(
      'Customer with Ada · support',
    );
    expect(section.querySelector('.mode-indicator')?.textContent?.trim()).toBe(
      'Whispering: only Ada hears you',
    );
    // The row's Whisper button is moot while whispering; the others switch.
    const row = await loader.getChildLoader('[data-call-id=talking]');
    expect(
      await (await row.getHarness(MatButtonHarness.with({ text: 'Whisper' }))).isDisabled(),
    ).toBeTrue();
    expect(
      await (await row.getHarness(MatButtonHarness.with({ text: 'Barge' }))).isDisabled(),
    ).toBeFalse();

    const monitorSection = await loader.getChildLoader('section.monitor');
    await (await monitorSection.getHarness(MatButtonHarness.with({ text: 'Barge in' }))).click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.bargeClicked({ callId: 'talking' }),
    );
    await (await monitorSection.getHarness(MatButtonHarness.with({ text: 'Only listen' }))).click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.monitorClicked({ callId: 'talking' }),
    );
    await (await monitorSection.getHarness(MatButtonHarness.with({ text: 'Leave call' }))).click();
    expect(dispatch).toHaveBeenCalledWith(SupervisorPageActions.stopMonitoringClicked());
  });

  it('assigns a ringing call to one of the available agents', async () => {
    const { loader, dispatch } = await render('supervisor');
    const row = await loader.getChildLoader('[data-call-id=ringing]');
    const menu = await row.getHarness(MatMenuHarness.with({ triggerText: 'Assign to…' }));
    await menu.open();
    const items = await menu.getItems();
    // Only the available agent is offered: Ada is on a call and Bob is away.
    expect(await Promise.all(items.map((item) => item.getText()))).toEqual(['Dee']);
    await items[0].click();
    expect(dispatch).toHaveBeenCalledWith(
      SupervisorPageActions.assignClicked({ callId: 'ringing', userId: 'd' }),
    );
  });
});
