import { createSecretKey, KeyObject } from 'node:crypto';
import { RTCDtlsTransport, type SrtcpSession, type SrtpSession } from 'werift';

/**
 * SRTP with keys node:crypto has already imported.
 *
 * werift encrypts and decrypts every RTP/RTCP packet with a fresh `createCipheriv` /
 * `createDecipheriv` (and, for AES-CM, `createHmac`) given the session key as a Buffer. Node
 * then imports that Buffer as a secret key on every call, which cost more than the AES itself:
 * about a fifth of the media server's thread while forwarding (the profile's
 * `prepareSecretKey`/`getKeyObjectSlots`), and a `createCipheriv` with a KeyObject is 3–5 times
 * cheaper than with a Buffer. The ciphers only ever pass their keys to node:crypto, which takes
 * a KeyObject wherever it takes a Buffer, so the keys are swapped for KeyObjects once per DTLS
 * session. The bytes on the wire are the same (see srtp-key-objects.test.ts).
 */

/** The session-key fields of werift's CipherAesGcm / CipherAesCtr (the HMAC keys: CTR only). */
const CIPHER_KEY_FIELDS = [
  'srtpSessionKey',
  'srtcpSessionKey',
  'srtpSessionAuthTag',
  'srtcpSessionAuthTag',
] as const;

type CipherKeys = Partial<Record<(typeof CIPHER_KEY_FIELDS)[number], Buffer | KeyObject>>;

/**
 * Replaces the Buffer keys of both contexts (local: encrypt, remote: decrypt) of a werift SRTP
 * or SRTCP session by KeyObjects. Throws when werift no longer keeps its keys where this
 * expects them, so an upgrade that moves them fails the tests instead of silently losing this.
 */
export function useKeyObjects(session: SrtpSession | SrtcpSession): void {
  for (const context of [session.localContext, session.remoteContext]) {
    const cipher = context.cipher as unknown as CipherKeys;
    if (!Buffer.isBuffer(cipher.srtpSessionKey) && !(cipher.srtpSessionKey instanceof KeyObject))
      throw new Error(
        'werift SRTP cipher has no srtpSessionKey: srtp-key-objects.ts needs updating',
      );
    for (const field of CIPHER_KEY_FIELDS) {
      const key = cipher[field];
      if (Buffer.isBuffer(key)) cipher[field] = createSecretKey(key);
    }
  }
}

let installed = false;

/**
 * Makes every werift DTLS transport created from now on in this thread use KeyObjects for its
 * SRTP/SRTCP sessions (werift builds them in `updateSrtpSession`, once DTLS has its keys).
 * Idempotent.
 */
export function installSrtpKeyObjects(): void {
  if (installed) return;
  installed = true;
  // Kept to be called with the transport as `this` (updateSrtpSession.call(this) below).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const updateSrtpSession = RTCDtlsTransport.prototype.updateSrtpSession;
  RTCDtlsTransport.prototype.updateSrtpSession = function (this: RTCDtlsTransport): void {
    updateSrtpSession.call(this);
    useKeyObjects(this.srtp);
    useKeyObjects(this.srtcp);
  };
}
