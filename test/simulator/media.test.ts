import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../src/simulator/index.ts';
import { MEDIA_UPLOAD_ERRCODES } from '../../src/wecom/platform-choices.ts';
import { startTestSim, upload } from './helpers.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
/** AMR-NB: header, then `frames` 12.2 kbit/s frames of 20 ms. */
const amr = (frames: number) =>
  Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(frames * 32, 0x3c)]);

describe('media/upload and media/get (§7.4)', () => {
  it('an image upload returns type, media_id and created_at as a string', async () => {
    const t = await startTestSim();
    const res = await upload(t, 'image', JPEG, '商品.jpg');
    expect(res).toMatchObject({ errcode: 0, errmsg: '', type: 'image' });
    expect(typeof res.media_id).toBe('string');
    expect(res.created_at).toBe(String(Math.floor(t.clock.now() / 1000)));
  });

  it('a PNG is a valid image too', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'image', PNG, 'a.png')).errcode).toBe(0);
  });

  it('a type parameter other than image/voice/video/file is refused', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'gif', JPEG, 'a.jpg')).errcode).toBe(MEDIA_UPLOAD_ERRCODES.badTypeParam);
  });

  it('a file of 5 bytes or fewer is refused', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'file', Buffer.from('12345'), 'a.txt')).errcode).toBe(
      MEDIA_UPLOAD_ERRCODES.badSize,
    );
    expect((await upload(t, 'file', Buffer.from('123456'), 'a.txt')).errcode).toBe(0);
  });

  it('an image that is not JPG or PNG is refused', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'image', Buffer.from('GIF89a......'), 'a.gif')).errcode).toBe(
      MEDIA_UPLOAD_ERRCODES.badFormat,
    );
  });

  it('an image over 10MB is refused', async () => {
    const t = await startTestSim();
    const big = Buffer.concat([JPEG, Buffer.alloc(10 * 1024 * 1024)]);
    expect((await upload(t, 'image', big, 'big.jpg')).errcode).toBe(MEDIA_UPLOAD_ERRCODES.imageTooLarge);
  });

  it('a voice must be AMR', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'voice', Buffer.from('ID3\u0003mp3 data'), 'a.mp3')).errcode).toBe(
      MEDIA_UPLOAD_ERRCODES.badFormat,
    );
    expect((await upload(t, 'voice', amr(50), 'a.amr')).errcode).toBe(0);
  });

  it('a voice longer than 60 s is refused', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'voice', amr(3000), 'a.amr')).errcode).toBe(0);
    expect((await upload(t, 'voice', amr(3001), 'a.amr')).errcode).toBe(MEDIA_UPLOAD_ERRCODES.badSize);
  });

  it('a form without a `media` file part is refused', async () => {
    const t = await startTestSim();
    expect((await upload(t, 'image', JPEG, 'a.jpg', 'file')).errcode).toBe(
      MEDIA_UPLOAD_ERRCODES.missingMedia,
    );
    expect((await upload(t, 'image', JPEG, undefined)).errcode).toBe(MEDIA_UPLOAD_ERRCODES.missingMedia);
  });

  it('media/get returns the uploaded bytes with their content type', async () => {
    const t = await startTestSim();
    const mediaId = String((await upload(t, 'image', JPEG, 'a.jpg')).media_id);
    const res = await request(`${t.sim.url}/cgi-bin/media/get?access_token=${t.token}&media_id=${mediaId}`);
    expect(res.statusCode).toBe(200);
    expect(Buffer.from(await res.body.arrayBuffer())).toEqual(JPEG);
  });

  it('media/get answers JSON 40007 after 3 days', async () => {
    const t = await startTestSim();
    const mediaId = String((await upload(t, 'image', JPEG, 'a.jpg')).media_id);
    t.clock.advance(3 * DAY);
    await t.renewToken();
    const { json } = await t.get('media/get', { access_token: t.token, media_id: mediaId });
    expect(json.errcode).toBe(40007);
  });

  it('media a customer sent can be downloaded by its media_id', async () => {
    const t = await startTestSim();
    const item = t.sim.customerSends({ msgtype: 'voice' });
    const mediaId = (item.voice as { media_id: string }).media_id;
    const res = await request(`${t.sim.url}/cgi-bin/media/get?access_token=${t.token}&media_id=${mediaId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/amr');
    await res.body.dump();
  });
});
