/**
 * deploy/ and the image files checked mechanically: the systemd unit with `systemd-analyze
 * verify`, the nginx example with `nginx -t` (a throwaway certificate in place of the real one),
 * compose.yaml's shape, and the Dockerfile's base named as scripts/test-image.sh makes it. A check
 * whose tool is not installed is skipped with the reason (apt-get install systemd nginx openssl).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../cli/run-cli.ts';
import { hasOpenssl } from '../support/tls-proxy.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'kfbot-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('deploy/ files', () => {
  it.skipIf(!has('systemd-analyze'))(
    'the systemd unit passes systemd-analyze verify without a warning, and is hardened',
    () => {
      const r = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy/systemd/kfbot.service')], {
        encoding: 'utf8',
      });
      expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
      expect(r.status).toBe(0);
      const unit = read('deploy/systemd/kfbot.service');
      for (const line of [
        'User=kfbot',
        'ProtectSystem=strict',
        'NoNewPrivileges=true',
        'Restart=on-failure',
        'EnvironmentFile=/etc/kfbot/kfbot.env',
        'StateDirectory=kfbot',
      ])
        expect(unit).toContain(`\n${line}\n`);
    },
  );

  it.skipIf(!has('nginx') || !hasOpenssl())('the nginx example passes nginx -t', () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=kf.example.com',
        '-keyout',
        join(scratch, 'key.pem'),
        '-out',
        join(scratch, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const site = read('deploy/nginx/kfbot.conf')
      .replace('/etc/nginx/tls/kf.example.com/fullchain.pem', join(scratch, 'cert.pem'))
      .replace('/etc/nginx/tls/kf.example.com/privkey.pem', join(scratch, 'key.pem'));
    writeFileSync(join(scratch, 'kfbot.conf'), site);
    // The smallest nginx.conf around the site, writing nothing outside the scratch folder.
    writeFileSync(
      join(scratch, 'nginx.conf'),
      `pid ${scratch}/nginx.pid;\nerror_log ${scratch}/error.log;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${scratch};\n  proxy_temp_path ${scratch};\n  include ${scratch}/kfbot.conf;\n}\n`,
    );
    const r = spawnSync('nginx', ['-t', '-p', scratch, '-c', join(scratch, 'nginx.conf'), '-e', 'stderr'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toContain('test is successful');
    expect(r.stderr).not.toContain('[warn]');
    expect(r.status).toBe(0);
    expect(site).toContain('location = /callback');
  });

  it('compose.yaml runs kfbot × 3 on one Redis with AOF, the rules mounted', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as {
      services: Record<
        string,
        {
          build?: string;
          image?: string;
          command?: string[];
          volumes?: string[];
          environment?: Record<string, string>;
        }
      >;
    };
    const kfbots = Object.entries(compose.services).filter(([name]) => name.startsWith('kfbot'));
    expect(kfbots).toHaveLength(3);
    for (const [, s] of kfbots) {
      expect(s.build).toBe('.');
      expect(s.environment?.KFBOT_STORE).toBe('redis://redis:6379/0');
      expect(s.volumes).toContain('./rules:/etc/kfbot/rules:ro');
    }
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });

  it('the Dockerfile builds on the trixie base scripts/test-image.sh makes', () => {
    const base = /^BASE=(\S+)/m.exec(read('scripts/test-image.sh'))?.[1];
    expect(base).toBe('localhost/kfbot-debian:trixie');
    expect(read('Dockerfile')).toContain(`ARG BASE=${base}\n`);
  });
});
