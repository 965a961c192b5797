import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { TokenStorage } from '../auth/token-storage';
import { apiErrorMessage, SupervisorApi } from './supervisor-api';
import { supervisorCall } from './testing/supervisor-frames';

describe('SupervisorApi', () => {
  let api: SupervisorApi;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: TokenStorage,
          useValue: { read: () => ({ token: 'jwt', expiresAt: Infinity, user: {} }) },
        },
      ],
    });
    api = TestBed.inject(SupervisorApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('assigns a call to an agent and answers with the call', async () => {
    const call = supervisorCall({ id: 'c/1', status: 'ringing' });
    const answer = firstValueFrom(api.assign('c/1', 'user-ada'));
    const request = http.expectOne('/api/supervisor/calls/c%2F1/assign');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ userId: 'user-ada' });
    expect(request.request.headers.get('authorization')).toBe('Bearer jwt');
    request.flush(call, { status: 202, statusText: 'Accepted' });
    expect(await answer).toEqual(call);
  });

  for (const [status, message] of [
    [404, 'user nobody not found'],
    [409, 'call c1 is connected, not queued or ringing'],
  ] as const) {
    it(`turns a ${status} into its server message`, async () => {
      const answer = firstValueFrom(api.assign('c1', 'nobody')).catch((error: unknown) => error);
      http
        .expectOne('/api/supervisor/calls/c1/assign')
        .flush({ statusCode: status, error: 'x', message }, { status, statusText: String(status) });
      const error = await answer;
      expect(error).toBeInstanceOf(HttpErrorResponse);
      expect(apiErrorMessage(error)).toBe(message);
    });
  }

  it('asks for monitor, whisper or barge credentials', async () => {
    for (const mode of ['monitor', 'whisper', 'barge'] as const) {
      const answer = firstValueFrom(api.monitor('c1', mode));
      const request = http.expectOne('/api/supervisor/calls/c1/monitor');
      expect(request.request.body).toEqual({ mode });
      request.flush({ url: 'ws://lk', room: 'r', token: 't', identity: 'i', mode });
      expect((await answer).mode).toBe(mode);
    }
  });
});
