import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { TokenStorage } from '../../auth/token-storage';
import { WrapUpPanelActions } from '../../session/session.actions';
import { initialRootState } from '../../testing/initial-state';
import type { WrapUp } from '@switchboard/telephony';
import { WrapUpDrafts } from '../wrap-up-drafts';
import { WrapUpPanel } from './wrap-up-panel';

const user = {
  id: 'u-ada',
  reference: 'ada@demo.test',
  name: 'Ada Lovelace',
  role: 'agent',
  address: '/private/ada',
  tenant: 'demo',
};
/** A 30 s wrap-up starting now: built per test, since a suite on a busy machine can run long after this file loads. */
function wrapUpStartingNow(): WrapUp {
  return {
    callId: 'call-1',
    from: { name: 'Katherine Johnson', address: '/private/katherine' },
    startedAt: Date.now(),
    endsAt: Date.now() + 30_000,
  };
}
const dispositions = [
  { id: '1', code: 'resolved', label: 'Resolved', active: true, position: 1 },
  { id: '2', code: 'old', label: 'Old', active: false, position: 2 },
];

function stateWith(live: WrapUp | null) {
  return {
    ...initialRootState,
    auth: { ...initialRootState.auth, user, status: 'signed-in' as const },
    session: { ...initialRootState.session, wrapUp: live },
  };
}

describe('WrapUpPanel', () => {
  let http: HttpTestingController;
  let store: MockStore;

  beforeEach(() => {
    localStorage.removeItem('switchboard.wrapUpDraft.u-ada');
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({ initialState: stateWith(wrapUpStartingNow()) }),
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: TokenStorage,
          useValue: { read: () => ({ token: 'jwt', expiresAt: Infinity, user }) },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(MockStore);
  });
  afterEach(() => {
    http.verify();
    localStorage.removeItem('switchboard.wrapUpDraft.u-ada');
  });

  async function render() {
    const fixture = TestBed.createComponent(WrapUpPanel);
    await fixture.whenStable();
    http.expectOne('/api/dispositions').flush({ dispositions });
    const saved = http.expectOne('/api/calls/call-1/wrap-up');
    expect(saved.request.method).toBe('GET');
    saved.flush({ callId: 'call-1', dispositionCode: null, note: '' });
    await fixture.whenStable();
    return { fixture, element: fixture.nativeElement as HTMLElement };
  }

  it('shows the call being wrapped up with a countdown and only active dispositions', async () => {
    const { element } = await render();
    expect(element.querySelector('h2')?.textContent).toBe('Wrap-up');
    expect(element.querySelector('.caller')?.textContent).toContain('Katherine Johnson');
    const seconds = Number(element.querySelector('.countdown .seconds')?.textContent);
    expect(seconds).toBeGreaterThan(28);
    expect(seconds).toBeLessThanOrEqual(30);
  });

  it('keeps what is typed as a draft on this device, then Done saves it and ends the wrap-up', async () => {
    const dispatch = spyOn(store, 'dispatch');
    const { fixture, element } = await render();
    const note = element.querySelector('textarea')!;
    note.value = 'Asked about invoice 42';
    note.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(TestBed.inject(WrapUpDrafts).read('u-ada')).toEqual({
      callId: 'call-1',
      callerName: 'Katherine Johnson',
      dispositionCode: null,
      note: 'Asked about invoice 42',
    });
    expect(element.querySelector('.save-state')?.textContent?.trim()).toBe(
      'Draft kept on this device until saved',
    );

    (element.querySelector('button.done') as HTMLButtonElement).click();
    const put = http.expectOne('/api/calls/call-1/wrap-up');
    expect(put.request.method).toBe('PUT');
    expect(put.request.headers.get('authorization')).toBe('Bearer jwt');
    expect(put.request.body).toEqual({ dispositionCode: null, note: 'Asked about invoice 42' });
    put.flush({ callId: 'call-1', dispositionCode: null, note: 'Asked about invoice 42' });
    await fixture.whenStable();
    expect(dispatch).toHaveBeenCalledWith(WrapUpPanelActions.finishClicked());
    expect(TestBed.inject(WrapUpDrafts).read('u-ada')).toBeNull();
    expect(element.querySelector('h2')).toBeNull();
  });

  it('a failed save keeps the panel and the draft, and says so', async () => {
    const { fixture, element } = await render();
    const note = element.querySelector('textarea')!;
    note.value = 'x';
    note.dispatchEvent(new Event('input'));
    (element.querySelector('button.save') as HTMLButtonElement).click();
    http
      .expectOne('/api/calls/call-1/wrap-up')
      .flush({ message: 'the wrap-up window closed' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    expect(element.querySelector('.save-state')?.textContent).toContain(
      'Could not save: the wrap-up window closed',
    );
    expect(TestBed.inject(WrapUpDrafts).read('u-ada')?.note).toBe('x');
  });

  it('brings an unsaved draft back after a reload, with no wrap-up running', async () => {
    store.setState(stateWith(null));
    TestBed.inject(WrapUpDrafts).write('u-ada', {
      callId: 'call-1',
      callerName: 'Katherine Johnson',
      dispositionCode: 'resolved',
      note: 'kept',
    });
    const fixture = TestBed.createComponent(WrapUpPanel);
    await fixture.whenStable();
    http.expectOne('/api/dispositions').flush({ dispositions });
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('textarea')?.value).toBe('kept');
    expect(element.querySelector('.countdown')?.textContent).toContain('Wrap-up time is over');
    expect(element.querySelector('button.extend')).toBeNull();
  });
});
