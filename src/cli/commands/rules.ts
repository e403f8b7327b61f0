/**
 * `kfbot rules <versions|export|import|rollback>`: the published rule versions from the command
 * line, for teams that keep rules in git and for replicas (docs/publishing.md).
 *
 *   kfbot rules versions              the latest published versions: who, when, message
 *   kfbot rules export DIR            write a published version's files into DIR (for git)
 *   kfbot rules import DIR            publish DIR's files as the next version, through the gates
 *   kfbot rules rollback N            publish version N's files again, through the gates
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readRuleFiles, rulesFolder } from '../../authoring/rules-folder.ts';
import { CONFIG_KEYS } from '../../config/config.ts';
import {
  describeRefusal,
  type PublishContext,
  publishFiles,
  rollbackTo,
} from '../../publishing/publish-draft.ts';
import { importMessage } from '../../publishing/version-messages.ts';
import { writeRuleFiles, writesToMatch } from '../../publishing/write-rule-files.ts';
import { formatProblem } from '../../rules/problems.ts';
import { filesLetGo } from '../../store/rule-version-log.ts';
import type { Store } from '../../store/store.ts';
import { type Command, type CommandIo, InputError, parseCommandLine, UsageError } from '../command.ts';
import { rulesTarget } from '../rules-target.ts';
import { openStore } from './define-report.ts';

const HELP = `Usage: kfbot rules <command> [options]

The published rule versions kept in the store (each console publish, import and rollback is one).

  versions            list the latest published versions (who, when, message)
  export DIR          write a published version's files into DIR (default: the latest), so a
                      team can commit them to git; DIR's rule files become exactly that version
  import DIR          publish the rule files in DIR as the next version: validate (errors block)
                      and the conversation tests in DIR/tests (failures block) first; then the
                      files are written into the rules folder and every replica picks them up
  rollback N          publish version N's files again as the next version, through the same checks

  --version N         with export: this version instead of the latest
  --message TEXT      with import: the version's message (default: "import from DIR")
  --by NAME           with import/rollback: who publishes (default: $USER, else "cli")
  --rules PATH        the rules folder (default: $KFBOT_RULES, else ./rules)
  --store URL         sqlite:PATH or redis://host:port/db (default: $KFBOT_STORE, else ${CONFIG_KEYS.store.default});
                      versions and export only read it, never create it
  -h, --help          show this help
`;

const OPTIONS = {
  version: { type: 'string' },
  message: { type: 'string' },
  by: { type: 'string' },
  rules: { type: 'string' },
  store: { type: 'string' },
} as const;

function versionNumber(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${what} is a version number (1, 2, …), not "${text}"`);
  return n;
}

async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
  const [sub, arg, ...extra] = positionals;
  if (values.help || sub === undefined) {
    io.stdout.write(HELP);
    return sub === undefined && !values.help ? 2 : 0;
  }
  if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
  const target = rulesTarget(values.rules, io);
  const by = values.by ?? (io.env.USER?.trim() || 'cli');
  const needDir = () => {
    if (arg === undefined) throw new UsageError(`kfbot rules ${sub} needs a folder`);
    return arg;
  };
  let run: (store: Store) => Promise<number>;
  switch (sub) {
    case 'versions':
      run = async (store) => {
        const list = await store.ruleVersions.listRuleVersions(20);
        if (list.length === 0)
          io.stdout.write('no version published yet: the files in the rules folder are the rules\n');
        for (const v of list)
          io.stdout.write(
            `${String(v.version).padStart(4)}  ${new Date(v.at).toISOString()}  ${v.by}  ${v.message}\n`,
          );
        return 0;
      };
      break;
    case 'export': {
      const dir = needDir();
      const wanted = versionNumber(values.version, '--version');
      run = async (store) => {
        const n = wanted ?? (await store.ruleVersions.latestRuleVersion());
        if (n === 0)
          throw new InputError(`nothing is published yet: the files in ${target} are the rules (copy them)`);
        const v = await store.ruleVersions.ruleVersion(n);
        if (!v) throw new InputError(`there is no published version ${n}`);
        if (!v.files) throw new InputError(filesLetGo(n));
        const folder = rulesFolder(resolve(io.cwd, dir), io.cwd);
        if (existsSync(folder.root) && !statSync(folder.root).isDirectory())
          throw new InputError(`"${dir}" is a file; export writes into a folder`);
        const written = writeRuleFiles(folder, n, writesToMatch(readRuleFiles(folder), v.files));
        io.stdout.write(
          `version ${n} (${v.by}, ${new Date(v.at).toISOString()}: ${v.message}) → ${dir}: ${written.length ? `${written.length} file(s) written or removed` : 'already the same'}\n`,
        );
        return 0;
      };
      break;
    }
    case 'import':
    case 'rollback': {
      const dir = sub === 'import' ? needDir() : undefined;
      const n = sub === 'rollback' ? versionNumber(arg ?? '', 'rollback N') : undefined;
      run = async (store) => {
        const ctx: PublishContext = {
          folder: rulesFolder(target, io.cwd),
          versions: store.ruleVersions,
          now: Date.now,
        };
        let outcome: Awaited<ReturnType<typeof publishFiles>>;
        if (dir !== undefined) {
          const source = rulesFolder(resolve(io.cwd, dir), io.cwd);
          if (!existsSync(source.root)) throw new InputError(`there is no folder "${dir}"`);
          const files = Object.fromEntries(readRuleFiles(source));
          if (Object.keys(files).length === 0) throw new InputError(`no rule files (*.yaml) in "${dir}"`);
          outcome = await publishFiles(
            files,
            { by, message: values.message ?? importMessage(dir), kind: 'import' },
            ctx,
          );
        } else {
          outcome = await rollbackTo(n as number, by, ctx);
        }
        const warnings = outcome.ok ? outcome.warnings : 'warnings' in outcome ? outcome.warnings : [];
        for (const w of warnings) io.stderr.write(`${formatProblem(w)}\n`);
        if (!outcome.ok) {
          io.stderr.write(`kfbot rules ${sub}: ${describeRefusal(outcome)}\n`);
          return 1;
        }
        io.stdout.write(
          `published version ${outcome.version} (${outcome.files.length} file(s): ${outcome.files.join(', ')}; ${outcome.testsPassed} conversation test(s) passed)\n`,
        );
        return 0;
      };
      break;
    }
    default:
      throw new UsageError(`unknown rules command "${sub}" (versions, export, import, rollback)`);
  }
  // The store serve uses (flag, environment, .env). Publishing may come before serve's first start,
  // so import and rollback create (or upgrade) it as serve would; versions and export only read
  // it, and like the reports say so when there is none rather than leave an empty one behind.
  const store = await openStore(
    values.store,
    io,
    sub === 'import' || sub === 'rollback' ? 'migrate' : 'read',
  );
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

export const rulesCommand: Command = { name: 'rules', run };
