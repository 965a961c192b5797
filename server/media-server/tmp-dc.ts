import { BrowserHarness } from './test-support/browser-harness.ts';
import { joinToken, startTestServer } from './test-support/fixtures.ts';
const server = await startTestServer();
const browser = await BrowserHarness.start();
for (let i = 0; i < 4; i++) {
  const [a, b] = await Promise.all([browser.openPage(), browser.openPage()]);
  let t = Date.now();
  const r = await Promise.all([
    a.call('connect', server.url, await joinToken('r' + i, 'a'), true),
    b.call('connect', server.url, await joinToken('r' + i, 'b'), true),
  ]);
  const tc = Date.now() - t;
  t = Date.now();
  let err = '';
  try {
    await a.call('publishData', 'x');
  } catch (e) {
    err = String(e).slice(0, 120);
  }
  console.log(i, 'connect', tc, JSON.stringify(r), 'publishData', Date.now() - t, err);
  await a.close();
  await b.close();
}
await browser.close();
await server.close();
