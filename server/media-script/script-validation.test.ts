/**
 * `POST /api/calls` with a bad `script`: every one is refused with a message that says what is
 * wrong, and nothing is created (no call rings the online agent, no record is written). Also
 * the 503 of a server without an encoder, and the files a script may name.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectRefused, type BadRequest } from '../test/bad-requests.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { onlineAgent, type Agent } from '../session/testing/scenario.ts';
import { MediaLibrary } from './media-library.ts';
import { MAX_SCRIPT_STEPS } from './script-schema.ts';

let server: TestServer;
let ada: Agent;
let mediaDir: string;

before(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), 'switchboard-script-'));
  await writeFile(join(mediaDir, 'hello.webm'), 'not really media');
  await mkdir(join(mediaDir, 'folder.webm'));
  await writeFile(join(tmpdir(), 'outside-the-library.webm'), 'secret');
  await symlink(join(tmpdir(), 'outside-the-library.webm'), join(mediaDir, 'link.webm'));
  server = await startTestServer({ scriptMediaDir: mediaDir });
  ada = await onlineAgent(server, 'ada@validation.test', 'Ada');
});

after(async () => {
  await ada?.tab.close();
  await server?.close();
  await rm(mediaDir, { recursive: true, force: true });
  await rm(join(tmpdir(), 'outside-the-library.webm'), { force: true });
});

/** What a created call would change: the agent's pushed frames and the call records. */
async function everything() {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const calls = await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey });
  return { frames: ada.tab.frames.length, calls: calls.body.calls.length };
}

const scriptCase = (label: string, script: unknown, message: RegExp): BadRequest => ({
  label,
  method: 'POST',
  path: '/api/calls',
  body: { from: 'Tester', to: '/private/ada', script },
  status: 400,
  message,
});

describe('media script validation', () => {
  test('bad scripts are refused with a clear 400 and create nothing', async () => {
    const tooMany = Array.from({ length: MAX_SCRIPT_STEPS + 1 }, () => ({ pause: 1 }));
    await expectRefused(
      server,
      [
        scriptCase('not a list', { play: 'test-pattern', seconds: 1 }, /script must be array/),
        scriptCase('empty', [], /script must not have fewer than 1 items/),
        scriptCase('too many steps', tooMany, /script must not have more than 20 items/),
        scriptCase('unknown operation', [{ say: 'hello' }], /unknown property "say"/),
        scriptCase(
          'unknown field',
          [{ play: 'test-pattern', seconds: 2, volume: 11 }],
          /unknown property "volume"/,
        ),
        scriptCase('empty step', [{}], /must set at least 1 property/),
        scriptCase(
          'two operations in one step',
          [{ play: 'test-pattern', seconds: 1, pause: 1 }],
          /script\/0 must set only one of "play", "pause"/,
        ),
        scriptCase(
          'seconds without play',
          [{ pause: 1, seconds: 2 }],
          /script\/0 has "seconds", which only goes with "play"/,
        ),
        scriptCase(
          'seconds as a string',
          [{ play: 'test-pattern', seconds: '5' }],
          /seconds must be number/,
        ),
        scriptCase('negative pause', [{ pause: -1 }], /pause must be > 0/),
        scriptCase(
          'too long a step',
          [{ play: 'test-pattern', seconds: 301 }],
          /seconds must be <= 300/,
        ),
        scriptCase('too long a pause', [{ pause: 3600 }], /pause must be <= 300/),
        scriptCase(
          'too long in all',
          [
            { play: 'test-pattern', seconds: 300 },
            { play: 'test-pattern', seconds: 300 },
            { play: 'test-pattern', seconds: 300 },
            { pause: 1 },
          ],
          /script lasts up to 901 s, more than 900 s/,
        ),
        scriptCase(
          'a file without seconds counts as 300 s',
          [{ play: 'hello.webm' }, { play: 'hello.webm' }, { play: 'hello.webm' }, { pause: 1 }],
          /script lasts up to 901 s/,
        ),
        scriptCase('hangup false', [{ hangup: false }], /hangup must be equal to constant/),
        scriptCase(
          'steps after hangup',
          [{ hangup: true }, { pause: 1 }],
          /script\/0 hangup must be the last step/,
        ),
        scriptCase(
          'test pattern without seconds',
          [{ play: 'test-pattern' }],
          /script\/0 play "test-pattern" needs "seconds"/,
        ),
        scriptCase(
          'path traversal',
          [{ play: '../../etc/passwd' }],
          /play must be "test-pattern" or a media file name/,
        ),
        scriptCase('absolute path', [{ play: '/etc/hosts.mp4' }], /or a media file name/),
        scriptCase('dot file', [{ play: '.hidden.webm' }], /or a media file name/),
        scriptCase('not a media extension', [{ play: 'notes.txt' }], /or a media file name/),
        scriptCase(
          'a file that is not there',
          [{ play: 'missing.webm' }],
          /media file "missing.webm" is not in the media directory/,
        ),
        scriptCase(
          'a folder',
          [{ play: 'folder.webm' }],
          /media file "folder.webm" is not in the media directory/,
        ),
        scriptCase(
          'a link out of the directory',
          [{ play: 'link.webm' }],
          /media file "link.webm" is not in the media directory/,
        ),
      ],
      { token: server.apiKey, snapshot: everything },
    );
  });

  test('a good script is accepted and the call rings as usual', async () => {
    const response = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      body: {
        from: 'Tester',
        to: ada.address,
        script: [
          { play: 'test-pattern', seconds: 2 },
          { pause: 0.5 },
          { play: 'hello.webm', seconds: 1 },
          { hangup: true },
        ],
      },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    await ada.tab.waitForCall(response.body.id, 'ringing');
    await requestJson(server.url, 'POST', `/api/calls/${response.body.id}/hangup`, {
      token: server.apiKey,
    });
  });

  test('the OpenAPI document describes the script', async () => {
    const response = await requestJson(server.url, 'GET', '/api/docs/json');
    assert.equal(response.status, 200);
    const text = JSON.stringify(response.body);
    assert.match(text, /Played into the call by a server-side participant/);
    assert.match(text, /test-pattern/);
  });
});

describe('a server without an encoder', () => {
  let bare: TestServer;
  let bob: Agent;

  before(async () => {
    bare = await startTestServer({ scriptMediaDir: mediaDir, ffmpegPath: '/nonexistent/ffmpeg' });
    bob = await onlineAgent(bare, 'bob@validation.test', 'Bob');
  });
  after(async () => {
    await bob?.tab.close();
    await bare?.close();
  });

  test('answers 503 for scripts that play media, creating nothing, and still takes pause-only scripts', async () => {
    const framesBefore = bob.tab.frames.length;
    const refused = await requestJson(bare.url, 'POST', '/api/calls', {
      token: bare.apiKey,
      body: { from: 'Tester', to: bob.address, script: [{ play: 'test-pattern', seconds: 2 }] },
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error, 'unavailable');
    assert.match(refused.body.message, /media scripts are unavailable on this server: FFMPEG_PATH/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(bob.tab.frames.length, framesBefore, 'nothing rang');

    const accepted = await requestJson(bare.url, 'POST', '/api/calls', {
      token: bare.apiKey,
      body: { from: 'Tester', to: bob.address, script: [{ pause: 1 }, { hangup: true }] },
    });
    assert.equal(accepted.status, 201);
    await requestJson(bare.url, 'POST', `/api/calls/${accepted.body.id}/hangup`, {
      token: bare.apiKey,
    });
  });
});

describe('MediaLibrary', () => {
  test('resolves only regular files directly inside its directory', () => {
    const library = new MediaLibrary(mediaDir);
    assert.equal(library.resolve('hello.webm'), join(mediaDir, 'hello.webm'));
    for (const name of ['../hello.webm', 'link.webm', 'folder.webm', 'missing.webm', '..']) {
      assert.throws(() => library.resolve(name), /is not (allowed|in the media directory)/, name);
    }
    assert.throws(
      () => new MediaLibrary(join(mediaDir, 'nope')).resolve('hello.webm'),
      /not in the media directory/,
    );
  });
});
