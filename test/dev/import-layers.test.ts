/**
 * The layers docs/development.md and the style guide name, held against src/'s imports (as
 * TypeScript reads them, `import type` included): src/wecom/ knows nothing of the rest of
 * kfbot, src/rules/ knows nothing of HTTP or of who runs it, and no two files import each other
 * in a loop, so every arrow a reader follows runs one way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/**
 * The one loop kept: the types are recursive (an action can be a `call:`, whose on_status and
 * on_error run actions), so rule-model.ts and call-model.ts name each other, types only.
 */
const KEPT_LOOPS = [['src/rules/call-model.ts', 'src/rules/rule-model.ts']];

/** Every .ts file under src/ → the src files and the packages it imports. */
function importGraph(): Map<string, { files: string[]; packages: string[] }> {
  const graph = new Map<string, { files: string[]; packages: string[] }>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) {
        const imported = ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles;
        const files: string[] = [];
        const packages: string[] = [];
        for (const { fileName } of imported) {
          if (fileName.startsWith('.')) files.push(relative(ROOT, resolve(dirname(path), fileName)));
          else packages.push(fileName);
        }
        graph.set(relative(ROOT, path), { files, packages });
      }
    }
  };
  walk(SRC);
  return graph;
}

/** Groups of two or more files that import each other in a loop (Tarjan's strongly connected components). */
function importLoops(graph: Map<string, { files: string[] }>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.files ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) loops.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return loops;
}

const graph = importGraph();

/**
 * src/'s folders from the top down: a file imports only from its own folder or one further down,
 * so the folders read as floors (docs/development.md names them). The console is a part the
 * runtime mounts (bull-board's shape), so it stands below the runtime; the reports' numbers are
 * shared by `kfbot report` and the console, so they stand below both.
 */
const FLOORS = [
  'cli',
  'sandbox',
  'runtime',
  'console',
  'doctor',
  'publishing',
  'reports',
  'simulate',
  'store',
  'simulator',
  'conversation',
  'authoring',
  'rules',
  'semantic',
  'config',
  'wecom',
] as const;
const folderOf = (file: string) => file.split('/')[1] ?? '';

describe('the import layers', () => {
  it('reads the whole of src/', () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get('src/rules/decider.ts')?.files).toContain('src/rules/faq-step.ts');
  });

  it('src/wecom/ imports nothing of kfbot outside itself', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('src/wecom/'))
      .flatMap(([file, { files }]) =>
        files.filter((f) => !f.startsWith('src/wecom/')).map((f) => `${file} -> ${f}`),
      );
    expect(outside).toEqual([]);
  });

  it('src/rules/ knows nothing of HTTP, of the store, or of what runs it', () => {
    const below = ['src/rules/', 'src/wecom/', 'src/config/', 'src/semantic/'];
    const wrong = [...graph]
      .filter(([file]) => file.startsWith('src/rules/'))
      .flatMap(([file, { files, packages }]) => [
        ...files.filter((f) => !below.some((d) => f.startsWith(d))).map((f) => `${file} -> ${f}`),
        ...packages.filter((p) => /^(node:)?https?$|^undici$/.test(p)).map((p) => `${file} -> ${p}`),
      ]);
    expect(wrong).toEqual([]);
  });

  it("src/'s folders stand in floors: every import runs to the same folder or one below", () => {
    const floor = (file: string) => FLOORS.indexOf(folderOf(file) as (typeof FLOORS)[number]);
    const unplaced = [...new Set([...graph.keys()].map(folderOf))].filter(
      (f) => !f.endsWith('.ts') && !FLOORS.includes(f as (typeof FLOORS)[number]),
    );
    expect(unplaced).toEqual([]);
    const upward = [...graph]
      .filter(([file]) => floor(file) >= 0)
      .flatMap(([file, { files }]) =>
        files
          .filter((f) => graph.has(f) && floor(f) >= 0 && floor(f) < floor(file))
          .map((f) => `${file} -> ${f}`),
      );
    expect(upward).toEqual([]);
  });

  it('no files import each other in a loop, but for the recursive rule types', () => {
    expect(importLoops(graph)).toEqual(KEPT_LOOPS);
  });
});
