import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/simulator/index.ts';
import { DUPLICATE_MSGID_ERRCODE, SEND_AFTER_TIMEOUT_ERRCODE } from '../../src/wecom/platform-choices.ts';
import { customerWhoWrote, startTestSim, type TestSim, upload } from './helpers.ts';

function text(
  t: TestSim,
  touser: string,
  content = '您好，请问有什么可以帮您？',
  extra: Record<string, unknown> = {},
) {
  return t.post('kf/send_msg', { touser, open_kfid: t.kf, msgtype: 'text', text: { content }, ...extra });
}

async function uploadImage(t: TestSim): Promise<string> {
  const json = await upload(t, 'image', JPEG, 'a.jpg');
  expect(json.errcode).toBe(0);
  return String(json.media_id);
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

describe('kf/send_msg (§5)', () => {
  it('a send after the customer wrote is accepted, moves the session 0 → 1 and reaches the customer', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(t.sim.session({ externalUserId: id }).state).toBe(0);
    const res = await text(t, id);
    expect(res).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect(typeof res.msgid).toBe('string');
    expect(t.sim.session({ externalUserId: id }).state).toBe(1);
    expect(t.sim.sent(t.kf, id).map((m) => m.content)).toEqual([
      { msgtype: 'text', text: { content: '您好，请问有什么可以帮您？' } },
    ]);
  });

  it('the client msgid is echoed back', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect((await text(t, id, 'hi', { msgid: 'reply-1' })).msgid).toBe('reply-1');
  });

  it('send_msg is refused with 95018 before the customer has written (state 4 未开始)', async () => {
    const t = await startTestSim();
    const enter = t.sim.customerEnters();
    const id = String((enter.event as { external_userid: string }).external_userid);
    expect((await text(t, id)).errcode).toBe(95018);
  });

  it('send_msg is refused with 95018 while a servicer holds the session', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(
      (
        await t.post('kf/service_state/trans', {
          open_kfid: t.kf,
          external_userid: id,
          service_state: 3,
          servicer_userid: 'zhangsan',
        })
      ).errcode,
    ).toBe(0);
    const res = await text(t, id);
    expect(res.errcode).toBe(95018);
    expect(res.errmsg).toContain('send msg session status invalid');
  });

  it('send_msg is refused with 95018 while the session is queued', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await t.post('kf/service_state/trans', { open_kfid: t.kf, external_userid: id, service_state: 2 });
    expect((await text(t, id)).errcode).toBe(95018);
  });

  it('send_msg is refused with 95018 after a servicer ended the session', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.servicerEnds({ externalUserId: id });
    expect((await text(t, id)).errcode).toBe(95018);
  });

  it('send_msg is refused with 95002 once 48 h have passed since the customer wrote', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.clock.advance(48 * HOUR - 1000);
    await t.renewToken();
    expect((await text(t, id)).errcode).toBe(0);
    t.clock.advance(1000);
    expect((await text(t, id)).errcode).toBe(SEND_AFTER_TIMEOUT_ERRCODE);
    expect(SEND_AFTER_TIMEOUT_ERRCODE).toBe(95002);
  });

  it('the sixth send after one customer message is refused with 95001', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    for (let i = 0; i < 5; i++) expect((await text(t, id, `part ${i}`)).errcode).toBe(0);
    expect((await text(t, id, 'one too many')).errcode).toBe(95001);
  });

  it('a new customer message gives the quota of 5 back', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    for (let i = 0; i < 5; i++) await text(t, id, `part ${i}`);
    t.sim.customerSays({ externalUserId: id, text: '还在吗' });
    expect((await text(t, id)).errcode).toBe(0);
  });

  it('a client msgid already used in the account is refused', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect((await text(t, id, 'a', { msgid: 'same' })).errcode).toBe(0);
    const again = await text(t, id, 'b', { msgid: 'same' });
    expect(again.errcode).toBe(DUPLICATE_MSGID_ERRCODE);
    expect(t.sim.sent()).toHaveLength(1);
  });

  it('a msgid used in another account is fine (unique per account only)', async () => {
    const t = await startTestSim();
    const other = t.sim.accounts[1]?.openKfId ?? '';
    const a = customerWhoWrote(t);
    const b = String(t.sim.customerSays({ openKfId: other, text: 'hi' }).external_userid);
    expect((await text(t, a, 'x', { msgid: 'shared' })).errcode).toBe(0);
    const res = await t.post('kf/send_msg', {
      touser: b,
      open_kfid: other,
      msgid: 'shared',
      msgtype: 'text',
      text: { content: 'y' },
    });
    expect(res.errcode).toBe(0);
  });

  it('an unknown open_kfid gets 95000', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const res = await t.post('kf/send_msg', {
      touser: id,
      open_kfid: 'wkNope',
      msgtype: 'text',
      text: { content: 'x' },
    });
    expect(res.errcode).toBe(95000);
  });

  it('an empty text gets 44004', async () => {
    const t = await startTestSim();
    expect((await text(t, customerWhoWrote(t), '')).errcode).toBe(44004);
  });

  it('a text over 2048 UTF-8 bytes gets 45002 naming the field', async () => {
    const t = await startTestSim();
    const res = await text(t, customerWhoWrote(t), '字'.repeat(683)); // 2049 bytes
    expect(res.errcode).toBe(45002);
    expect(res.errmsg).toContain('text.content');
  });

  it('a menu with 11 items gets 95008', async () => {
    const t = await startTestSim();
    const list = Array.from({ length: 11 }, (_, i) => ({
      type: 'click',
      click: { id: `${i}`, content: `选项${i}` },
    }));
    const res = await t.post('kf/send_msg', {
      touser: customerWhoWrote(t),
      open_kfid: t.kf,
      msgtype: 'msgmenu',
      msgmenu: { list },
    });
    expect(res.errcode).toBe(95008);
  });

  it('an unsupported msgtype gets 40008', async () => {
    const t = await startTestSim();
    const res = await t.post('kf/send_msg', {
      touser: customerWhoWrote(t),
      open_kfid: t.kf,
      msgtype: 'note',
      note: {},
    });
    expect(res.errcode).toBe(40008);
  });

  it('a link title over 128 bytes is accepted and cut', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const thumb = await uploadImage(t);
    const title = '企'.repeat(50); // 150 bytes
    const res = await t.post('kf/send_msg', {
      touser: id,
      open_kfid: t.kf,
      msgtype: 'link',
      link: { title, url: 'https://example.com', thumb_media_id: thumb },
    });
    expect(res.errcode).toBe(0);
    const sent = t.sim.sent()[0];
    expect((sent?.content.link as { title: string } | undefined)?.title).toBe('企'.repeat(42)); // 126 bytes
    expect(sent?.truncated).toEqual(['link.title']);
  });

  it('an unknown media_id gets 40007', async () => {
    const t = await startTestSim();
    const res = await t.post('kf/send_msg', {
      touser: customerWhoWrote(t),
      open_kfid: t.kf,
      msgtype: 'image',
      image: { media_id: 'nope' },
    });
    expect(res.errcode).toBe(40007);
  });

  it('a media_id older than 3 days gets 40007', async () => {
    const t = await startTestSim();
    const mediaId = await uploadImage(t);
    t.clock.advance(3 * DAY);
    await t.renewToken();
    const id = customerWhoWrote(t);
    const res = await t.post('kf/send_msg', {
      touser: id,
      open_kfid: t.kf,
      msgtype: 'image',
      image: { media_id: mediaId },
    });
    expect(res.errcode).toBe(40007);
  });

  it('an image media_id sent as a file gets 40007', async () => {
    const t = await startTestSim();
    const mediaId = await uploadImage(t);
    const res = await t.post('kf/send_msg', {
      touser: customerWhoWrote(t),
      open_kfid: t.kf,
      msgtype: 'file',
      file: { media_id: mediaId },
    });
    expect(res.errcode).toBe(40007);
  });

  it('a fresh image media_id is sent', async () => {
    const t = await startTestSim();
    const mediaId = await uploadImage(t);
    const res = await t.post('kf/send_msg', {
      touser: customerWhoWrote(t),
      open_kfid: t.kf,
      msgtype: 'image',
      image: { media_id: mediaId },
    });
    expect(res.errcode).toBe(0);
  });
});
