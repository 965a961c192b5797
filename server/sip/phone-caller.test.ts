/**
 * Who a phone caller is, from LiveKit SIP's participant attributes: the display name of the
 * From header when sent, else the number formatted for people; the address dialable back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { displayNameOf, phoneCallerParty } from './phone-caller.ts';

describe('phone caller', () => {
  test('the display name of a From header, quoted, bare or absent', () => {
    assert.equal(
      displayNameOf('"Ada Lovelace" <sip:+14155550123@10.0.0.1>;tag=abc'),
      'Ada Lovelace',
    );
    assert.equal(displayNameOf('"Say \\"hi\\"" <sip:1001@pbx>'), 'Say "hi"');
    assert.equal(displayNameOf('Grace Hopper <sip:+14155550124@carrier>;tag=1'), 'Grace Hopper');
    assert.equal(displayNameOf('<sip:+14155550125@carrier>;tag=1'), undefined);
    assert.equal(displayNameOf('sip:+14155550125@carrier'), undefined);
    assert.equal(displayNameOf('"" <sip:anonymous@anonymous.invalid>'), undefined);
    assert.equal(displayNameOf(undefined), undefined);
    assert.equal(displayNameOf(`"${'x'.repeat(200)}" <sip:1@h>`)?.length, 80);
    assert.equal(displayNameOf('"Bad\u0007Bell" <sip:1@h>'), 'BadBell');
  });

  test('a caller with a display name: the name, and its number dialable back', () => {
    assert.deepEqual(
      phoneCallerParty({
        'sip.phoneNumber': '+14155550123',
        'switchboard.from': '"Ada Lovelace" <sip:+14155550123@127.0.0.1>;tag=x',
      }),
      { name: 'Ada Lovelace', address: '+14155550123' },
    );
  });

  test('without a display name (or one that only repeats the number): the number for people', () => {
    assert.deepEqual(phoneCallerParty({ 'sip.phoneNumber': '+442079460000' }), {
      name: '+44 20 7946 0000',
      address: '+442079460000',
    });
    assert.deepEqual(
      phoneCallerParty({
        'sip.phoneNumber': '14155550123',
        'switchboard.from': '"+1 415 555 0123" <sip:14155550123@carrier>',
      }),
      { name: '+1 415 555 0123', address: '+14155550123' },
    );
  });

  test('an extension, a SIP user or no number at all stays as it came', () => {
    assert.deepEqual(phoneCallerParty({ 'sip.phoneNumber': '1001' }), {
      name: '1001',
      address: '1001',
    });
    assert.deepEqual(phoneCallerParty({ 'sip.phoneNumber': 'sipp' }), {
      name: 'sipp',
      address: 'sipp',
    });
    assert.deepEqual(phoneCallerParty({}), { name: 'Unknown caller', address: 'unknown' });
  });
});
