/**
 * §8 "40007 invalid media_id | re-upload, then resend", across kill -9 of the real `kfbot serve`
 * on SQLite and on Redis: kfbot uploads a rule's image and dies while sending it; the restarted
 * kfbot resumes the recorded plan with the id it uploaded, WeCom refuses that id, and the
 * restarted kfbot — which never uploaded it — finds the file in the store, uploads it again and
 * sends the image. The customer gets it exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { ruleDir } from '../rules/helpers.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

const REDIS = (process.env.KFBOT_TEST_REDIS_CRASH ?? 'redis://127.0.0.1:6379/12').replace(/\/\d+$/, '/7');
const RULES = `
rules:
  - name: 二维码
    when: { text: { any: [二维码] } }
    then: [ { reply: { image: { file: media/qr.png } } } ]
`;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);

let sim: WeComSimulator;
let bot: KfbotProcess | undefined;
let rules: string;
let dir: string;

async function start(store: 'sqlite' | 'redis'): Promise<KfbotProcess> {
  const p = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: dir,
    rules,
    ...(store === 'redis' && { env: { KFBOT_STORE: REDIS } }),
  });
  sim.callbacks.configure({ url: `${p.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  return p;
}

const images = (id: string) =>
  sim
    .sent(sim.openKfId, id)
    .filter((m) => m.msgtype === 'image')
    .map((m) => (m.content.image as { media_id: string }).media_id);

beforeEach(async () => {
  sim = await startSimulator();
  rules = ruleDir({ 'rules.yaml': RULES, 'media/qr.png': PNG });
  dir = storeDir();
  const admin = redisClient(REDIS);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
});

afterEach(async () => {
  await bot?.stop('SIGKILL');
  bot = undefined;
  await sim.close();
});

describe.each(['sqlite', 'redis'] as const)('a refused media_id after a restart (%s)', (store) => {
  it('the restarted kfbot uploads the file again and the customer gets the image once', async () => {
    bot = await start(store);
    // The image's send hangs on its way in: kfbot dies with it recorded `attempting`, not delivered.
    sim.faults.inject({ api: 'kf/send_msg', delayMs: 60_000 });
    const id = sim.customerSays({ text: '二维码' }).external_userid as string;
    await waitFor(() => sim.requests.byApi('kf/send_msg').length === 1, 'the image on its way');
    const [hanging] = sim.requests.byApi('kf/send_msg');
    const planned = (hanging?.body as { image: { media_id: string } } | undefined)?.image.media_id ?? '';
    expect(planned).not.toBe('');
    expect(sim.requests.byApi('media/upload')).toHaveLength(1);
    bot.child.kill('SIGKILL');
    await bot.exited;
    sim.faults.clear();
    // WeCom no longer honours the id kfbot planned with (expired early, or another WeCom issued it).
    sim.faults.inject({
      api: 'kf/send_msg',
      errcode: 40007,
      match: (b) => JSON.stringify(b).includes(planned),
    });

    bot = await start(store);
    await waitFor(() => images(id).length > 0, 'the image, resent', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(images(id)).toHaveLength(1);
    expect(images(id)[0]).not.toBe(planned);
    expect(sim.requests.byApi('media/upload')).toHaveLength(2);
    const errcodes = sim.requests
      .byApi('kf/send_msg')
      .map((r) => (r.response as { errcode?: number })?.errcode);
    expect(errcodes.filter((e) => e === 40007)).toHaveLength(1);
    expect(bot.logs.some((l) => String(l.msg).includes('the file is uploaded again'))).toBe(true);
  });
});
