import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import type { RingingCardView } from '../calls.selectors';
import { RingingCard } from './ringing-card';

const ringing: RingingCardView = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  callerAddress: '/private/katherine',
  ringGroupName: 'support',
  details: [],
  waitSeconds: 75,
  ringing: true,
  outcome: null,
  busy: false,
  error: null,
  transferredBy: null,
  consultation: null,
  transferNotTakenBy: null,
};

describe('RingingCard', () => {
  let fixture: ComponentFixture<RingingCard>;

  async function render(card: RingingCardView, oldest = false) {
    fixture.componentRef.setInput('card', card);
    fixture.componentRef.setInput('oldest', oldest);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    return {
      accept: await loader.getHarness(MatButtonHarness.with({ text: /^Accept/ })),
      decline: await loader.getHarness(MatButtonHarness.with({ text: /^Decline/ })),
      text: (fixture.nativeElement as HTMLElement).textContent ?? '',
    };
  }

  beforeEach(() => {
    fixture = TestBed.createComponent(RingingCard);
  });

  it('shows who is calling, for which group, and for how long', async () => {
    const { text } = await render(ringing);
    expect(text).toContain('Katherine Johnson');
    expect(text).toContain('/private/katherine');
    expect(text).toContain('support');
    expect(text).toContain('1:15');
  });

  it('says who transferred the call, and nothing of the kind for a first ring', async () => {
    expect((await render(ringing)).text).not.toContain('Transferred by');
    const { text } = await render({ ...ringing, transferredBy: 'Ada Lovelace' });
    expect(text).toContain('Transferred by Ada Lovelace');
  });

  it('says a consultation is one, about whom', async () => {
    const { text } = await render({
      ...ringing,
      consultation: 'Consultation from Ada Lovelace about Katherine Johnson',
    });
    expect(text).toContain('Consultation from Ada Lovelace about Katherine Johnson');
    expect(text).not.toContain('Transferred by');
  });

  it('says when it rings again because nobody took the transfer', async () => {
    const { text } = await render({ ...ringing, transferNotTakenBy: 'support' });
    expect(text).toContain('Back to you: support did not take the transfer');
  });

  it('emits accept and decline with the call id', async () => {
    const accepted: string[] = [];
    const declined: string[] = [];
    fixture.componentInstance.accept.subscribe((id) => accepted.push(id));
    fixture.componentInstance.decline.subscribe((id) => declined.push(id));
    const { accept, decline } = await render(ringing);

    await accept.click();
    await decline.click();

    expect(accepted).toEqual(['call-1']);
    expect(declined).toEqual(['call-1']);
  });

  it('shows the shortcuts on the oldest ringing card only', async () => {
    expect((await render(ringing, true)).text).toContain('Alt+A');
    expect((await render(ringing, false)).text).not.toContain('Alt+A');
  });

  it('disables both buttons and says why once the call stopped ringing', async () => {
    const { accept, decline, text } = await render({
      ...ringing,
      ringing: false,
      outcome: 'Answered by Grace Hopper',
    });
    expect(await accept.isDisabled()).toBeTrue();
    expect(await decline.isDisabled()).toBeTrue();
    expect(text).toContain('Answered by Grace Hopper');
    expect((fixture.nativeElement as HTMLElement).classList).toContain('ended');
  });

  it('disables the buttons while a command is on its way', async () => {
    const { accept } = await render({ ...ringing, busy: true });
    expect(await accept.isDisabled()).toBeTrue();
  });
});
