/**
 * Property-based fuzzing (fast-check) of everything that reads outside input: thousands of
 * generated and mutated inputs per run, each of which must give a typed error or a valid value —
 * never an uncaught exception, a hang, or a crash of the server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { CallbackCodec } from '../../src/wecom/callback-codec.ts';
import { CallbackCipher, CallbackCryptoError } from '../../src/wecom/callback-crypto.ts';
import {
  CallbackEnvelopeError,
  parseCallbackEvent,
  parseEncryptedEnvelope,
} from '../../src/wecom/callback-envelope.ts';
import { WECOM_KIND_NAMES } from '../../src/wecom/message-kinds.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { fixture } from '../fixtures/load.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wx5823bf96d3bd56c7';
const cipher = new CallbackCipher(KEY, CORP);
const valid = cipher.encrypt('<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName></xml>');

/** Mutations of a string: a character changed, removed, inserted, or the string cut. */
const mutated = (base: string) =>
  fc
    .tuple(
      fc.nat({ max: Math.max(0, base.length - 1) }),
      fc.string({ maxLength: 3 }),
      fc.constantFrom('replace', 'delete', 'insert', 'cut'),
    )
    .map(([i, s, op]) =>
      op === 'replace'
        ? base.slice(0, i) + s + base.slice(i + 1)
        : op === 'delete'
          ? base.slice(0, i) + base.slice(i + 1)
          : op === 'insert'
            ? base.slice(0, i) + s + base.slice(i)
            : base.slice(0, i),
    );

function typedOrValue<T>(fn: () => T, ...errors: (abstract new (...args: never[]) => Error)[]): void {
  try {
    fn();
  } catch (err) {
    if (!errors.some((E) => err instanceof E)) throw err;
  }
}

describe('fuzzing what kfbot reads', () => {
  it('decrypt: any text, and mutated ciphertexts, give a message or a CallbackCryptoError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), mutated(valid)), (input) => {
        typedOrValue(() => cipher.decrypt(input), CallbackCryptoError);
      }),
      { numRuns: 3000 },
    );
  });

  it('the callback envelope: any text, and mutated envelopes, parse or give a CallbackEnvelopeError', () => {
    const envelope = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><Encrypt><![CDATA[${valid}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
    const notice = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[T]]></Token><OpenKfId><![CDATA[wk1]]></OpenKfId></xml>`;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          mutated(envelope),
          mutated(notice),
          fc.string({
            unit: fc.constantFrom('<', '>', '/', 'x', 'm', 'l', '!', '[', ']', 'CDATA', '&', ';', '"'),
          }),
        ),
        (input) => {
          typedOrValue(() => parseEncryptedEnvelope(input), CallbackEnvelopeError);
          typedOrValue(() => parseCallbackEvent(input), CallbackEnvelopeError);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the sync_msg decoder: any JSON, and mutated fixtures, decode to a known kind or unknown', () => {
    const fixtures = WECOM_KIND_NAMES.map((k) => fixture<Record<string, unknown>>(`sync-items/${k}.json`));
    const mutatedFixture = fc
      .tuple(fc.constantFrom(...fixtures), fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue())
      .map(([f, key, value]) => {
        const copy = structuredClone(f);
        const target = (
          typeof copy[f.msgtype as string] === 'object' ? copy[f.msgtype as string] : copy
        ) as Record<string, unknown>;
        const keys = Object.keys(target);
        target[keys.length && key.length % 2 ? (keys[key.length % keys.length] as string) : key] = value;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), mutatedFixture), (input) => {
        const item = decodeSyncItem(input);
        expect([...WECOM_KIND_NAMES, 'unknown']).toContain(item.kind);
      }),
      { numRuns: 4000 },
    );
  });

  it('the rules loader: mutated rule files give a rule set or problems with positions, never an exception', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-fuzz-rules-'));
    const file = join(dir, 'rules.yaml');
    const base = [
      'settings: { schedules: { open: { mon-fri: "09:00-18:00" } } }',
      'menus:',
      '  main:',
      '    head: "{{nickname|亲}}您好"',
      '    items: [ { click: a, label: A, reply: 答 }, { view: "https://e.com", label: 链接 } ]',
      'rules:',
      '  - { name: r, when: { text: { any: [退款] }, time: open }, then: [ { reply: { menu: main } }, { set: { x: 1 } } ] }',
      '  - { name: f, fallback: true, then: [ { transfer: { to: queue, notice: 请稍候 } } ] }',
    ].join('\n');
    fc.assert(
      fc.property(
        fc.oneof(
          mutated(base),
          fc.string({
            unit: fc.constantFrom(':', '-', ' ', '\n', '{', '}', '[', ']', 'a', '"', "'", '&', '*', '!', '|'),
          }),
        ),
        (text) => {
          writeFileSync(file, text);
          const loaded = loadRules(file);
          if (!loaded.ruleSet) {
            expect(loaded.problems.length).toBeGreaterThan(0);
            for (const p of loaded.problems) expect(p.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});

describe('fuzzing the server', () => {
  let sim: WeComSimulator;
  let bot: InProcessKfbot;
  beforeAll(async () => {
    sim = await startSimulator();
    bot = await startInProcess(sim);
  });
  afterAll(async () => {
    await bot.close();
    await sim.close();
  });

  it('answers every garbled callback with a 4xx and stays up, pulling nothing', async () => {
    const codec = new CallbackCodec({ token: 'InProcessToken42', encodingAesKey: KEY, corpId: sim.corpId });
    const good = codec.sealNotice({
      event: 'kf_msg_or_event',
      msgType: 'event',
      toUserName: sim.corpId,
      createTime: Math.floor(Date.now() / 1000),
      token: 'T',
      openKfId: sim.openKfId,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), mutated(good.body)),
        fc.dictionary(fc.constantFrom('msg_signature', 'timestamp', 'nonce', 'echostr', 'x'), fc.string()),
        async (body, query) => {
          const res = await request(`${bot.app.url}/callback?${new URLSearchParams(query)}`, {
            method: 'POST',
            body,
          });
          await res.body.text();
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 400 },
    );
    expect((await request(`${bot.app.url}/healthz`)).statusCode).toBe(200);
    expect(sim.requests.byApi('kf/sync_msg')).toHaveLength(0);
  });
});
