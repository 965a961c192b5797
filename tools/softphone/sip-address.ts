/** Where `npm run start:livekit` saves LiveKit SIP's address for `npm run softphone`. */
export const SIP_ADDRESS_FILE = '.data/livekit-sip-address';
