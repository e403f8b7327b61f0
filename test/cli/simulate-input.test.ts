/** `kfbot simulate` says in one line what is wrong with the files it was given, and exits 1. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.ts';

const simulate = (args: string[]) => runInProcess(['simulate', ...args]);

const dir = mkdtempSync(join(tmpdir(), 'kfbot-simulate-'));
const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const AT = ['--at', '2026-11-26T10:00:00+08:00'];

describe('kfbot simulate with files it cannot use', () => {
  it.each([
    [
      'a --state file that does not exist',
      ['--text', '你好', '--state', join(dir, 'missing.json')],
      `kfbot simulate: cannot read the --state file "${join(dir, 'missing.json')}": it does not exist\n`,
    ],
    [
      'a --state file that is not JSON',
      ['--text', '你好', '--state', file('bad.json', '{vars: 1}')],
      `kfbot simulate: --state ${join(dir, 'bad.json')} is not valid JSON: Expected property name or '}' in JSON at position 1\n`,
    ],
    [
      'a --state file that is not an object',
      ['--text', '你好', '--state', file('list.json', '[]')],
      `kfbot simulate: --state ${join(dir, 'list.json')} must be a JSON object like {"vars":{},"counters":{},"misses":0}\n`,
    ],
    [
      'a message file that does not exist',
      [join(dir, 'nope.json')],
      `kfbot simulate: cannot read the message file "${join(dir, 'nope.json')}": it does not exist\n`,
    ],
    [
      'a message file that is a folder',
      [dir],
      `kfbot simulate: cannot read the message file "${dir}": it is a folder, not a file\n`,
    ],
  ])('%s', async (_name, args, line) => {
    const r = await simulate([...args, ...AT]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: line });
  });

  it('refuses a message file together with --text instead of ignoring one', async () => {
    const item = file(
      'item.json',
      JSON.stringify({ msgid: 'm', origin: 3, msgtype: 'text', text: { content: 'a' } }),
    );
    const r = await simulate([item, '--text', '你好', ...AT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`give one message: the item in ${item} or --text, not both`);
  });
});

describe('kfbot simulate with flags and items WeCom would never send', () => {
  it('an empty --account is a usage error, not a stack trace', async () => {
    const r = await simulate(['--text', 'hi', '--account', '', ...AT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--account takes an account's open_kfid (wk…) (no spaces, not empty), not ""`);
  });

  it('--scene with --text is refused instead of ignored', async () => {
    const r = await simulate(['--text', 'hi', '--scene', 'live', ...AT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--scene describes how the customer opened the chat: it goes with --enter');
  });

  it('an item whose send_time is not a Unix time is refused', async () => {
    const item = file(
      'yesterday.json',
      JSON.stringify({
        msgid: 'm',
        origin: 3,
        msgtype: 'text',
        send_time: 'yesterday',
        text: { content: 'a' },
      }),
    );
    const r = await simulate([item, ...AT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kfbot simulate: the message's send_time is the Unix time in seconds, e\.g\. \d+, not "yesterday"/,
    );
  });
});
