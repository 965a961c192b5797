import assert from 'node:assert/strict';
import { KeyObject, randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import {
  MediaStreamTrack,
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RTCPeerConnection,
  RtcpRrPacket,
  RtpHeader,
  RtpPacket,
  SrtcpSession,
  SrtpAuthenticationError,
  SrtpSession,
} from 'werift';
import { hostIsLoopbackOnly, peerConnectionConfig } from './peer-config.ts';
import { installSrtpKeyObjects, useKeyObjects } from './srtp-key-objects.ts';

const profiles = [
  ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm, 12],
  ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80, 14],
] as const;

/** The two ends of one SRTP association: a's local keys are b's remote keys. */
function sessionConfigs(profile: number, saltLength: number) {
  const [keyA, saltA, keyB, saltB] = [16, saltLength, 16, saltLength].map((n) => randomBytes(n));
  return {
    a: {
      keys: {
        localMasterKey: keyA,
        localMasterSalt: saltA,
        remoteMasterKey: keyB,
        remoteMasterSalt: saltB,
      },
      profile,
    },
    b: {
      keys: {
        localMasterKey: keyB,
        localMasterSalt: saltB,
        remoteMasterKey: keyA,
        remoteMasterSalt: saltA,
      },
      profile,
    },
  };
}

function rtpPackets(count: number): RtpPacket[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new RtpPacket(
        new RtpHeader({
          payloadType: 96,
          ssrc: 0x1234_5678,
          // Across the 16-bit wrap, so the rollover counter takes part.
          sequenceNumber: (65_530 + i) % 65_536,
          timestamp: 90_000 + i * 3_000,
          marker: i % 3 === 0,
        }),
        randomBytes(100 + i * 97),
      ),
  );
}

for (const [name, profile, saltLength] of profiles) {
  describe(`SRTP with KeyObjects, ${name}`, () => {
    test('writes the same bytes as werift with Buffer keys, and reads them back', () => {
      const { a, b } = sessionConfigs(profile, saltLength);
      const plain = new SrtpSession(a);
      const keyed = new SrtpSession(a);
      const reader = new SrtpSession(b);
      useKeyObjects(keyed);
      useKeyObjects(reader);
      assert.ok(
        (keyed.localContext.cipher as unknown as { srtpSessionKey: unknown })
          .srtpSessionKey instanceof KeyObject,
      );

      for (const packet of rtpPackets(12)) {
        const expected = plain.encrypt(packet.payload, packet.header);
        const encrypted = keyed.encrypt(packet.payload, packet.header);
        assert.deepEqual(encrypted, expected);
        assert.deepEqual(RtpPacket.deSerialize(reader.decrypt(encrypted)).payload, packet.payload);
      }
    });

    test('still refuses a tampered RTP packet', () => {
      const { a, b } = sessionConfigs(profile, saltLength);
      const writer = new SrtpSession(a);
      const reader = new SrtpSession(b);
      useKeyObjects(writer);
      useKeyObjects(reader);
      const [packet] = rtpPackets(1);
      const encrypted = writer.encrypt(packet.payload, packet.header);
      encrypted[encrypted.length - 20] ^= 0x01;
      assert.throws(() => reader.decrypt(encrypted), SrtpAuthenticationError);
    });

    test('writes the same SRTCP bytes as werift with Buffer keys, and reads them back', () => {
      const { a, b } = sessionConfigs(profile, saltLength);
      const plain = new SrtcpSession(a);
      const keyed = new SrtcpSession(a);
      const reader = new SrtcpSession(b);
      useKeyObjects(keyed);
      useKeyObjects(reader);
      const rtcp = new RtcpRrPacket({ ssrc: 0x0102_0304 }).serialize();
      for (let i = 0; i < 3; i++) {
        const encrypted = keyed.encrypt(rtcp);
        assert.deepEqual(encrypted, plain.encrypt(rtcp));
        assert.deepEqual(reader.decrypt(encrypted), rtcp);
      }
    });
  });
}

describe('installSrtpKeyObjects', () => {
  const peers: RTCPeerConnection[] = [];
  after(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
  });

  test('every DTLS transport connected afterwards encrypts with KeyObjects, and media flows', async () => {
    installSrtpKeyObjects();
    installSrtpKeyObjects(); // a second call must not wrap twice
    const config = peerConnectionConfig(hostIsLoopbackOnly());
    const sender = new RTCPeerConnection(config);
    const receiver = new RTCPeerConnection(config);
    peers.push(sender, receiver);
    const track = new MediaStreamTrack({ kind: 'video' });
    sender.addTransceiver(track, { direction: 'sendonly' });
    const received = new Promise<RtpPacket>((resolve) =>
      receiver.onTrack.subscribe((remote) => remote.onReceiveRtp.once(resolve)),
    );
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription!);
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription!);
    await Promise.all(
      [sender, receiver].map(
        (pc) =>
          new Promise<void>((resolve, reject) => {
            if (pc.connectionState === 'connected') return resolve();
            pc.connectionStateChange.subscribe((state) => {
              if (state === 'connected') resolve();
              if (state === 'failed') reject(new Error('PeerConnection failed'));
            });
          }),
      ),
    );

    const payload = randomBytes(300);
    const timer = setInterval(() => {
      const [packet] = rtpPackets(1);
      track.writeRtp(new RtpPacket(packet.header, payload));
    }, 20);
    try {
      assert.deepEqual((await received).payload, payload);
    } finally {
      clearInterval(timer);
    }
    for (const pc of [sender, receiver]) {
      const [dtls] = pc.dtlsTransports;
      for (const session of [dtls.srtp, dtls.srtcp])
        for (const context of [session.localContext, session.remoteContext])
          assert.ok(
            (context.cipher as unknown as { srtpSessionKey: unknown }).srtpSessionKey instanceof
              KeyObject,
          );
    }
  });
});
