import { refreshDelay, tokenExpiry } from './token-refresher';

describe('token refresh timing', () => {
  it('refreshes a fifth of the remaining life early, at most a minute', () => {
    expect(refreshDelay(15 * 60_000, 0)).toBe(14 * 60_000);
    expect(refreshDelay(100_000, 0)).toBe(80_000);
    expect(refreshDelay(1_000, 5_000)).toBe(0);
  });

  it('reads exp from a JWT without verifying it', () => {
    const payload = btoa(JSON.stringify({ sub: 'u', exp: 1_800_000_000 })).replace(/=+$/, '');
    expect(tokenExpiry(`header.${payload}.signature`)).toBe(1_800_000_000_000);
    expect(tokenExpiry('not-a-jwt')).toBeNull();
  });
});
