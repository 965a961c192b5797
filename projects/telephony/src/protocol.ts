// The session protocol's types as the SDK uses them. In the workspace they come straight from
// the file the server validates every frame against (protocol/session-protocol.ts, the single
// source of truth). A package can ship only what is under its own folder, so `npm run build:sdk`
// (scripts/build-sdk.mjs) builds from a copy of this library in which this file is that one.
export type * from '../../../protocol/session-protocol';
