import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

describe('the logger', () => {
  it('logs an error whole (type, message, stack, cause) with credentials scrubbed out of its text', () => {
    const { log, lines } = capture();
    const cause = new Error('connect ECONNREFUSED redis://kf:hunter2@10.0.0.1:6379');
    const err = new Error(
      'GET https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg?access_token=SECRET123 failed',
      {
        cause,
      },
    );
    log.error({ err }, 'pull failed');
    const line = JSON.parse(lines[0] ?? '{}') as { err: { type: string; message: string; stack: string } };
    expect(line.err.type).toBe('Error');
    expect(line.err.message).toContain('access_token=[redacted]');
    expect(line.err.stack).toContain('logger.test.ts');
    expect(JSON.stringify(line)).toContain('ECONNREFUSED');
    expect(lines.join('')).not.toContain('SECRET123');
    expect(lines.join('')).not.toContain('hunter2');
  });

  it('redacts credential-named fields an error carries', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('gettoken failed'), { corpsecret: 'S3CR3T', token: 'T0K3N' });
    log.warn({ err }, 'x');
    expect(lines.join('')).not.toMatch(/S3CR3T|T0K3N/);
  });
});
