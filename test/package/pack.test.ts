/**
 * What `npm pack` ships runs on plain Node in an empty folder: the package holds the compiled
 * dist/, the bin and the default rules, and needs neither tsx nor the sources. Its dependencies
 * are linked from this checkout's node_modules instead of downloaded, so the test runs offline;
 * tsx and every devDependency are deliberately absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.ts';

function installPacked(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-pack-'));
  // dist/ is fresh (the test setup builds it), so pack without running prepare again.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  const app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  execFileSync('tar', ['xzf', join(dir, filename), '-C', join(app, 'node_modules')]);
  renameSync(join(app, 'node_modules', 'package'), join(app, 'node_modules', 'kfbot'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const dep of Object.keys(pkg.dependencies)) {
    symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  }
  return app;
}

function kfbot(app: string, args: string[]): { code: number; stdout: string } {
  try {
    const stdout = execFileSync(
      process.execPath,
      [join(app, 'node_modules', 'kfbot', 'bin', 'kfbot.js'), ...args],
      {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { code: e.status, stdout: e.stdout };
  }
}

describe('the npm package', () => {
  it('installs into an empty folder and runs kfbot --help and kfbot validate on plain Node', () => {
    const app = installPacked();
    const help = kfbot(app, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: kfbot <command>');
    expect(kfbot(app, ['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);

    mkdirSync(join(app, 'rules'));
    writeFileSync(
      join(app, 'rules', 'hello.yaml'),
      'rules:\n  - name: 问候\n    when: { text: { any: [你好] } }\n    then: [ { reply: 您好 } ]\n',
    );
    const ok = kfbot(app, ['validate']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 rule');

    writeFileSync(join(app, 'rules', 'broken.yaml'), 'rules:\n  - name: 坏\n');
    expect(kfbot(app, ['validate']).code).toBe(1);
    // The shipped default rules are in the package too.
    expect(kfbot(app, ['validate', 'node_modules/kfbot/rules']).code).toBe(0);
  }, 120_000);
});
