import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const options = { initialDelayMs: 500, maxDelayMs: 15_000, jitter: 0.3 };

  it('doubles each attempt up to the ceiling', () => {
    const noJitter = { ...options, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000,
    ]);
  });

  it('spreads each delay over its last 30 %', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(1_400);
    expect(backoffDelay(2, options, () => 1)).toBe(2_000);
  });
});
