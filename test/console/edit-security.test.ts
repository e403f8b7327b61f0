/**
 * The editor's door, over real HTTP with a console password: every edit and publish needs a
 * signed-in session and the CSRF token; a file path in an edit cannot leave the rules folder;
 * every publish (and refusal) is an audit line with who; the session cookie is never logged.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { ConsoleClient } from './console-client.ts';

const PASSWORD = 'correct horse battery';
let sim: WeComSimulator | undefined;
let bot: InProcessKfbot | undefined;

afterEach(async () => {
  await bot?.close();
  await sim?.close();
});

async function start() {
  const rules = mkdtempSync(join(tmpdir(), 'kfbot-edit-sec-'));
  cpSync('rules', rules, { recursive: true });
  sim = await startSimulator();
  bot = await startInProcess(sim, { config: { consolePassword: PASSWORD, rules } });
  return { b: bot, rules };
}

const edit = {
  op: 'add-item',
  id: 'ship_fast',
  questions: ['几天能发', '发货快不快'],
  reply: '一般当天发货。',
};

describe('editing needs a signed-in session and the CSRF token', () => {
  it('refuses a signed-out client and a missing or wrong token, and accepts the right one', async () => {
    const { b } = await start();
    const out = new ConsoleClient(b.app.url);
    expect((await out.go('/console/api/authoring')).status).toBe(401);
    expect((await out.go('/console/api/draft-edit', { json: { edit } })).status).toBe(401);
    expect((await out.go('/console/api/publish', { json: {} })).status).toBe(401);

    const c = new ConsoleClient(b.app.url);
    await c.signIn(PASSWORD);
    expect((await c.go('/console/api/draft-edit', { json: { edit } })).status).toBe(403);
    expect(
      (await c.go('/console/api/draft-edit', { json: { edit }, headers: { 'x-csrf-token': 'wrong' } }))
        .status,
    ).toBe(403);
    const csrf = await c.csrf();
    const ok = await c.go('/console/api/draft-edit', { json: { edit }, headers: { 'x-csrf-token': csrf } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).draft.diff).toContain('几天能发');
  });

  it('keeps paths inside the rules folder, and refuses whole-file edits from the browser', async () => {
    const { b, rules } = await start();
    const c = new ConsoleClient(b.app.url);
    await c.signIn(PASSWORD);
    const headers = { 'x-csrf-token': await c.csrf() };
    const before = readdirSync(rules).sort();
    for (const file of ['../escape.yaml', '/tmp/escape.yaml', '.hidden.yaml', 'x/../../escape.yaml']) {
      const r = await c.go('/console/api/draft-edit', {
        json: { edit: { op: 'add-item', id: 'x1', questions: ['q'], reply: 'r', file } },
        headers,
      });
      expect(r.status, file).toBe(400);
      expect(JSON.parse(r.body).error).toContain('not a rule file in the rules folder');
    }
    const whole = await c.go('/console/api/draft-edit', {
      json: { edit: { op: 'replace-file', file: 'faq.yaml', text: 'faq: []' } },
      headers,
    });
    expect(whole.status).toBe(400);
    expect(readdirSync(rules).sort()).toEqual(before);
  });

  it('writes every publish and refusal to the audit log, with who and never the cookie', async () => {
    const { b } = await start();
    const c = new ConsoleClient(b.app.url);
    await c.signIn(PASSWORD);
    const headers = { 'x-csrf-token': await c.csrf() };
    await c.go('/console/api/draft-edit', { json: { edit }, headers });
    const published = await c.go('/console/api/publish', {
      json: { by: '运营小王', message: '发货问法' },
      headers,
    });
    expect(JSON.parse(published.body).outcome).toMatchObject({ ok: true, version: 2 });
    await c.go('/console/api/draft-edit', {
      json: { edit: { op: 'set-item', id: 'ship_time', menu: 'nope' } },
      headers,
    });
    const refused = await c.go('/console/api/publish', { json: { by: '运营小王' }, headers });
    expect(JSON.parse(refused.body).outcome).toMatchObject({ ok: false, reason: 'invalid' });
    // What the page shows: the item edited (the page links to it), where in Chinese, then the
    // line kfbot validate prints.
    expect(JSON.parse(refused.body).outcome.problems).toEqual([
      expect.objectContaining({
        how: '错误',
        place: expect.stringMatching(/^faq\.yaml 第 \d+ 行第 \d+ 列$/),
        english: expect.stringMatching(/^faq\.yaml:\d+:\d+: error: .*nope/),
        field: expect.objectContaining({ kind: 'item', id: 'ship_time' }),
      }),
    ]);
    // A rollback to a version that does not exist is refused in Chinese first too.
    const nowhere = await c.go('/console/api/rollback', { json: { version: 99, by: '运营小王' }, headers });
    expect(JSON.parse(nowhere.body).outcome).toMatchObject({
      ok: false,
      reason: 'refused',
      message: '没有已发布的版本 99：请在“版本”列表里选一个版本回滚 · there is no published version 99',
    });
    const audit = b.logs().filter((l) => l.audit === 'publish');
    expect(audit.map((l) => [l.ok, l.version ?? l.refused])).toEqual([
      [true, 2],
      [false, 'invalid'],
    ]);
    expect(String(audit[0]?.by)).toMatch(/^运营小王 \(console [0-9a-f]{10}\)$/);
    const cookie = [...c.cookies.values()].join('\n');
    for (const v of c.cookies.values()) expect(b.lines.join('\n')).not.toContain(v);
    expect(cookie.length).toBeGreaterThan(10);
    // The running rules are the published ones, with no restart.
    expect(b.app.rules.current?.ruleSet.faq?.index.match('几天能发')).toMatchObject({ type: 'answer' });
  });
});

describe('a draft belongs to the console session, not to one replica', () => {
  it('is still there after a restart, and on another replica sharing the store', async () => {
    const rules = mkdtempSync(join(tmpdir(), 'kfbot-draft-store-'));
    cpSync('rules', rules, { recursive: true });
    const store = `sqlite:${join(rules, '..', `${rules.split('/').pop()}.db`)}`;
    sim = await startSimulator();
    const first = await startInProcess(sim, { config: { consolePassword: PASSWORD, rules, store } });
    const c = new ConsoleClient(first.app.url);
    await c.signIn(PASSWORD);
    const csrf = await c.csrf();
    const made = await c.go('/console/api/draft-edit', { json: { edit }, headers: { 'x-csrf-token': csrf } });
    expect(made.status).toBe(200);
    await first.close();

    // The same browser, now served by a replica that never saw the edit.
    bot = await startInProcess(sim, { config: { consolePassword: PASSWORD, rules, store } });
    const again = new ConsoleClient(bot.app.url);
    for (const [k, v] of c.cookies) again.cookies.set(k, v);
    const seen = JSON.parse((await again.go('/console/api/authoring')).body);
    expect(seen.draft.diff).toContain('几天能发');

    // Another console session has a draft of its own: none.
    const other = new ConsoleClient(bot.app.url);
    await other.signIn(PASSWORD);
    expect(JSON.parse((await other.go('/console/api/authoring')).body).draft).toBeFalsy();

    // Discarding it there removes it for good.
    const token = await again.csrf();
    await again.go('/console/api/draft-discard', { json: {}, headers: { 'x-csrf-token': token } });
    expect(JSON.parse((await again.go('/console/api/authoring')).body).draft).toBeFalsy();
  });
});
