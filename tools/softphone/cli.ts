/**
 * `npm run softphone -- +14155550100`: a phone on the command line. It calls the number through
 * LiveKit SIP (the address `npm run start:livekit` printed and saved, or `--sip host:port`),
 * plays a 440 Hz tone, prints what happens (ringing, answered, DTMF, hang-up) and records what
 * it hears to a WAV file. Ctrl-C hangs up.
 *
 *   --sip 127.0.0.1:5060     where LiveKit SIP listens (default: .data/livekit-sip-address)
 *   --from +14155550123      the number it calls from;  --name "Test Phone"  its display name
 *   --seconds 60             hang up after this long once answered (default: until Ctrl-C or BYE)
 *   --dtmf 123#              send these digits once answered
 *   --record softphone.wav   where to write what it heard
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SAMPLE_RATE } from './rtp-session.ts';
import { SIP_ADDRESS_FILE } from './sip-address.ts';
import { Softphone } from './softphone.ts';
import { wavFile } from './wav.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sip: { type: 'string' },
    from: { type: 'string', default: '+14155550123' },
    name: { type: 'string', default: 'Test Phone' },
    seconds: { type: 'string' },
    dtmf: { type: 'string' },
    record: { type: 'string', default: 'softphone.wav' },
  },
});

const number = positionals[0];
if (!number) {
  console.error(
    'usage: npm run softphone -- <number to call> [--sip host:port] [--seconds N] [--dtmf 123#]',
  );
  process.exit(2);
}
const sip =
  values.sip ??
  (existsSync(SIP_ADDRESS_FILE) ? readFileSync(SIP_ADDRESS_FILE, 'utf8').trim() : '127.0.0.1:5060');

const phone = await Softphone.open({ number: values.from, displayName: values.name });
const started = performance.now();
const since = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;
phone.on('ringing', () => console.log(`[softphone] ${since()} ringing`));
phone.on('dtmf', (digit) =>
  console.log(`[softphone] ${since()} DTMF from the other side: ${digit}`),
);
phone.on('refer', (target) => console.log(`[softphone] ${since()} asked to transfer to ${target}`));

let finished = false;
const finish = async (why: string) => {
  if (finished) return;
  finished = true;
  await phone.hangup();
  const heard = phone.heard();
  writeFileSync(values.record, wavFile(heard.samples, SAMPLE_RATE));
  console.log(
    `[softphone] ${since()} ${why}; heard ${(heard.samples.length / SAMPLE_RATE).toFixed(1)} s, ` +
      `${heard.loudPackets} of ${heard.packets} packets with sound (peak RMS ${Math.round(heard.peakRms)}); ` +
      `recorded to ${values.record}`,
  );
  phone.close();
  process.exit(0);
};
phone.on('ended', (by) => {
  if (by === 'remote') void finish('the other side hung up');
});
process.once('SIGINT', () => void finish('hung up (Ctrl-C)'));

console.log(
  `[softphone] calling ${number} at sip:${sip} from ${values.from} ("${values.name}"), playing 440 Hz`,
);
const result = await phone.dial(sip, number);
if (result.status !== 200) {
  console.log(`[softphone] ${since()} refused: ${result.status} ${result.reason}`);
  phone.close();
  process.exit(1);
}
console.log(`[softphone] ${since()} answered; Ctrl-C hangs up`);
const firstSound = new Promise<void>((resolve) => {
  const check = setInterval(() => {
    if (phone.heard().firstSoundAt !== undefined) {
      clearInterval(check);
      resolve();
    }
  }, 50);
});
void firstSound.then(() => console.log(`[softphone] ${since()} hearing the other side`));
if (values.dtmf) phone.sendDtmf(values.dtmf);
if (values.seconds)
  setTimeout(() => void finish(`${values.seconds} s are up`), Number(values.seconds) * 1000);
