import { BrowserHarness, waitFor } from './test-support/browser-harness.ts';
import { joinToken, startTestServer } from './test-support/fixtures.ts';
const T0 = Date.now();
const server = await startTestServer();
const browser = await BrowserHarness.start();
const [a, b] = await Promise.all([browser.openPage(), browser.openPage()]);
await Promise.all([
  a.call('connect', server.url, await joinToken('r', 'a'), true),
  b.call('connect', server.url, await joinToken('r', 'b'), true),
]);
for (let i = 0; i < 14; i++) {
  const s = await b.call('inbound', 'a', 'video');
  const au = await a.call('inbound', 'b', 'audio');
  console.log(
    Math.round((Date.now() - T0) / 1000),
    's: b<-a frames',
    s.framesDecoded,
    'a<-b audio bytes',
    au.bytesReceived,
  );
  await new Promise((r) => setTimeout(r, 5000));
}
await browser.close();
await server.close();
