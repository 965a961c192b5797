// Test doubles for code that uses the SDK (the console's specs, the SDK's own): a scripted
// WebSocket with frame builders, and a media engine that records what it was asked. Imported as
// `@switchboard/telephony/testing`; never part of the built package or of app code.
export { callView, FakeWebSocket, FakeSocketFactory, helloFrame } from './fake-web-socket';
export { audioStream, FakeCallMedia, FakeHoldAudio, FakeMediaEngine } from './fake-media-engine';
