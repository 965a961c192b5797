import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { ActiveCallActions } from '../calls.actions';
import type { ActiveCallView, ActiveTransferView } from '../calls.selectors';
import { ConsultationParties } from './consultation-parties';

const consulting: ActiveTransferView = {
  mode: 'warm',
  destinationName: 'Grace Hopper',
  destinationAddress: '/private/grace',
  status: 'consulting',
  statusText: 'Consulting',
  consultationCallId: 'consult-1',
};

const held: ActiveCallView = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  callerAddress: '/private/katherine',
  ringGroupName: 'support',
  details: [],
  statusText: 'Consulting Grace Hopper',
  talkSeconds: 60,
  ended: false,
  outcome: null,
  busy: false,
  error: null,
  held: true,
  holdSeconds: 12,
  transfer: consulting,
  controllable: false,
  consultation: null,
};

describe('ConsultationParties', () => {
  let fixture: ComponentFixture<ConsultationParties>;
  let dispatch: jasmine.Spy;

  async function render(call: ActiveCallView) {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    fixture = TestBed.createComponent(ConsultationParties);
    fixture.componentRef.setInput('call', call);
    await fixture.whenStable();
    return TestbedHarnessEnvironment.loader(fixture);
  }

  const host = () => fixture.nativeElement as HTMLElement;
  const row = (party: string) =>
    host().querySelector<HTMLElement>(`[data-party="${party}"]`)?.textContent?.replace(/\s+/g, ' ');
  const named = (loader: Awaited<ReturnType<typeof render>>, name: string) =>
    loader.getHarness(MatButtonHarness.with({ selector: `[aria-label="${name}"]` }));
  const texted = (loader: Awaited<ReturnType<typeof render>>, text: string) =>
    loader.getHarness(MatButtonHarness.with({ text }));

  it('shows one row per party: the customer on hold and the consulted agent, each with its own controls', async () => {
    const loader = await render(held);
    for (const part of ['Customer', 'Katherine Johnson', 'Held while you consult'])
      expect(row('customer')).toContain(part);
    for (const part of ['Consulting', 'Grace Hopper']) expect(row('consulted')).toContain(part);
    expect(row('customer')).not.toContain('Grace Hopper');

    await (await named(loader, 'Resume Katherine Johnson')).click();
    expect(dispatch).toHaveBeenCalledWith(
      ActiveCallActions.cancelTransferClicked({ callId: 'call-1' }),
    );
    await (await named(loader, 'Hang up Katherine Johnson')).click();
    expect(dispatch).toHaveBeenCalledWith(ActiveCallActions.hangUpClicked({ callId: 'call-1' }));
    // The consulted agent's Hang up ends the consultation call, not the customer's.
    await (await named(loader, 'Hang up Grace Hopper')).click();
    expect(dispatch).toHaveBeenCalledWith(ActiveCallActions.hangUpClicked({ callId: 'consult-1' }));
  });

  it('completes or cancels, and says what each does to whom', async () => {
    const loader = await render(held);
    const text = host().textContent.replace(/\s+/g, ' ');
    expect(text).toContain(
      'Complete transfer: Katherine Johnson goes to Grace Hopper and you leave the call.',
    );
    expect(text).toContain(
      'Cancel consultation: Grace Hopper is hung up and Katherine Johnson comes back to you, off hold.',
    );
    await (await texted(loader, 'Complete transfer')).click();
    expect(dispatch).toHaveBeenCalledWith(
      ActiveCallActions.completeTransferClicked({ callId: 'call-1' }),
    );
    await (await texted(loader, 'Cancel consultation')).click();
    expect(dispatch).toHaveBeenCalledWith(
      ActiveCallActions.cancelTransferClicked({ callId: 'call-1' }),
    );
  });

  it('cannot complete before the consulted agent answers; no controls while a command is on its way', async () => {
    let loader = await render({
      ...held,
      transfer: { ...consulting, status: 'ringing', statusText: 'Ringing…' },
    });
    expect(row('consulted')).toContain('Ringing…');
    expect(await (await texted(loader, 'Complete transfer')).isDisabled()).toBeTrue();
    expect(await (await texted(loader, 'Cancel consultation')).isDisabled()).toBeFalse();

    TestBed.resetTestingModule();
    loader = await render({ ...held, busy: true });
    for (const button of await loader.getAllHarnesses(MatButtonHarness))
      expect(await button.isDisabled()).toBeTrue();
  });

  it('shows nothing for a blind transfer or one nobody took', async () => {
    await render({ ...held, transfer: { ...consulting, mode: 'blind', status: 'ringing' } });
    expect(host().textContent.trim()).toBe('');
    fixture.componentRef.setInput('call', {
      ...held,
      transfer: { ...consulting, status: 'failed', statusText: 'Nobody took the transfer' },
    });
    await fixture.whenStable();
    expect(host().textContent.trim()).toBe('');
  });
});
