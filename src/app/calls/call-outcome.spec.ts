import { formatDuration, outcomeText } from './call-outcome';

describe('outcomeText', () => {
  const inbound = {
    direction: 'inbound' as const,
    status: 'disconnected' as const,
    answeredBy: null,
  };

  it('words every end reason the way an agent reads it', () => {
    expect(
      outcomeText(
        {
          ...inbound,
          endReason: 'answered_elsewhere',
          answeredBy: { id: 'g', name: 'Grace Hopper' },
        },
        'a',
      ),
    ).toBe('Answered by Grace Hopper');
    expect(outcomeText({ ...inbound, endReason: 'caller_cancelled' }, 'a')).toBe('Caller hung up');
    expect(outcomeText({ ...inbound, endReason: 'rejected' }, 'a')).toBe('Declined');
    expect(outcomeText({ ...inbound, endReason: 'no_answer' }, 'a')).toBe('Missed');
    expect(outcomeText({ ...inbound, endReason: 'hangup' }, 'a')).toBe('Hung up');
    expect(outcomeText({ ...inbound, endReason: 'transferred' }, 'a')).toBe('Transferred');
    expect(outcomeText({ ...inbound, endReason: 'failed' }, 'a')).toBe('Failed');
  });

  it('says the caller hung up a call answered here that this tab did not hang up', () => {
    const answered = { ...inbound, endReason: 'hangup' as const };
    expect(outcomeText({ ...answered, hungUpHere: false }, 'a')).toBe('Caller hung up');
    expect(outcomeText({ ...answered, hungUpHere: true }, 'a')).toBe('Hung up');
    expect(outcomeText({ ...answered, direction: 'outbound', hungUpHere: false }, null)).toBe(
      'Hung up',
    );
  });

  it('speaks from the caller side for calls placed here', () => {
    const outbound = { ...inbound, direction: 'outbound' as const };
    expect(outcomeText({ ...outbound, endReason: 'no_answer' }, null)).toBe('No answer');
    expect(outcomeText({ ...outbound, endReason: 'caller_cancelled' }, null)).toBe('Cancelled');
  });

  it('has nothing to say while the call goes on', () => {
    expect(outcomeText({ ...inbound, status: 'ringing', endReason: null }, 'a')).toBeNull();
  });
});

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect([0, 7, 65, 754, 3_723, -3].map(formatDuration)).toEqual([
      '0:00',
      '0:07',
      '1:05',
      '12:34',
      '1:02:03',
      '0:00',
    ]);
  });
});
