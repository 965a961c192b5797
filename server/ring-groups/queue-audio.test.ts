/**
 * A ring group's waiting audio for phone callers (`queueGreeting`, `queueMusic`): stored, read
 * back, changed and cleared through the API; names that are not plain files of the media
 * directory (SCRIPT_MEDIA_DIR), for any tenant, are refused with a 400 that names the field,
 * and a refused request changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { expectRefused, type BadRequest } from '../test/bad-requests.ts';

describe('ring group waiting audio (queueGreeting, queueMusic)', () => {
  let server: TestServer;
  let root: string;
  let supportPath: string;
  const call = (method: string, path: string, body?: unknown, token = server.apiKey) =>
    requestJson(server.url, method, `/api/ring-groups${path}`, { token, body });
  const snapshot = async () => ({
    a: (await call('GET', '')).body,
    b: (await call('GET', '', undefined, server.otherTenant.apiKey)).body,
  });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'queue-audio-'));
    const mediaDir = join(root, 'media');
    mkdirSync(mediaDir);
    // Only existence is checked when saving; playing is tested with real media (server/sip).
    writeFileSync(join(mediaDir, 'welcome.wav'), 'RIFF');
    writeFileSync(join(mediaDir, 'music.mp3'), 'ID3');
    writeFileSync(join(root, 'secret.wav'), 'outside the media directory');
    symlinkSync(join(root, 'secret.wav'), join(mediaDir, 'escape.wav'));
    mkdirSync(join(mediaDir, 'folder.wav'));
    server = await startTestServer({ scriptMediaDir: mediaDir });
    const created = await call('POST', '', { name: 'support' });
    assert.equal(created.status, 201);
    supportPath = `/${created.body.id}`;
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('a new group has none (ringback); greeting and music are stored, changed and cleared', async () => {
    const plain = await call('GET', supportPath);
    assert.equal(plain.body.queueGreeting, null);
    assert.equal(plain.body.queueMusic, null);

    const created = await call('POST', '', {
      name: 'sales',
      queueGreeting: 'welcome.wav',
      queueMusic: 'music.mp3',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.queueGreeting, 'welcome.wav');
    assert.equal(created.body.queueMusic, 'music.mp3');
    const path = `/${created.body.id}`;
    assert.deepEqual((await call('GET', path)).body, created.body);

    const tone = await call('PATCH', path, { queueMusic: 'tone' });
    assert.equal(tone.status, 200, JSON.stringify(tone.body));
    assert.equal(tone.body.queueMusic, 'tone');
    assert.equal(tone.body.queueGreeting, 'welcome.wav', 'a field not sent is kept');

    const cleared = await call('PATCH', path, { queueGreeting: null, queueMusic: null });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.queueGreeting, null);
    assert.equal(cleared.body.queueMusic, null);

    const musicOnly = await call('PATCH', path, { queueMusic: 'music.mp3' });
    assert.equal(musicOnly.status, 200);
    assert.equal(musicOnly.body.queueGreeting, null);
    assert.equal((await call('DELETE', path)).status, 204);
  });

  test('bad names, missing files and files outside the media directory are refused, for every tenant', async () => {
    const create = (label: string, body: object, message: RegExp): BadRequest => ({
      label,
      method: 'POST',
      path: '/api/ring-groups',
      body: { name: 'refused', ...body },
      status: 400,
      message,
    });
    const update = (label: string, body: object, message: RegExp): BadRequest => ({
      label,
      method: 'PATCH',
      path: `/api/ring-groups${supportPath}`,
      body,
      status: 400,
      message,
    });
    const cases: BadRequest[] = [
      create('greeting without music', { queueGreeting: 'welcome.wav' }, /needs "queueMusic"/),
      create('music as a number', { queueMusic: 5 }, /queueMusic/),
      create('music with a folder', { queueMusic: '../secret.wav' }, /queueMusic/),
      create('music as an absolute path', { queueMusic: '/etc/passwd.wav' }, /queueMusic/),
      create(
        'greeting a dot file',
        { queueGreeting: '.hidden.wav', queueMusic: 'tone' },
        /queueGreeting/,
      ),
      create('music not a media file', { queueMusic: 'notes.txt' }, /queueMusic/),
      create('music spelled Tone', { queueMusic: 'Tone' }, /queueMusic/),
      create(
        'music missing',
        { queueMusic: 'nothing.mp3' },
        /queueMusic: media file "nothing.mp3" is not in the media directory/,
      ),
      create(
        'music a link out of the directory',
        { queueMusic: 'escape.wav' },
        /queueMusic: media file "escape.wav" is not in the media directory/,
      ),
      create(
        'greeting a folder',
        { queueGreeting: 'folder.wav', queueMusic: 'tone' },
        /queueGreeting: media file "folder.wav" is not in the media directory/,
      ),
      update('greeting without music', { queueGreeting: 'welcome.wav' }, /needs "queueMusic"/),
      update(
        'greeting a link out',
        { queueGreeting: 'escape.wav', queueMusic: 'tone' },
        /queueGreeting: media file "escape.wav"/,
      ),
      update('music empty', { queueMusic: '' }, /queueMusic/),
    ];
    await expectRefused(server, cases, { token: server.apiKey, snapshot });
    // Another tenant shares the directory's rules: nothing outside it, whatever its key.
    await expectRefused(
      server,
      cases.filter((entry) => entry.method === 'POST'),
      { token: server.otherTenant.apiKey, snapshot },
    );
  });

  test('music cannot be removed while the greeting stays', async () => {
    const withBoth = await call('PATCH', supportPath, {
      queueGreeting: 'welcome.wav',
      queueMusic: 'tone',
    });
    assert.equal(withBoth.status, 200, JSON.stringify(withBoth.body));
    const refused = await call('PATCH', supportPath, { queueMusic: null });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /needs "queueMusic"/);
    assert.equal((await call('GET', supportPath)).body.queueMusic, 'tone', 'nothing changed');
  });
});
