/**
 * One rule file's YAML as the rest of kfbot sees it: its data, the YAML mistakes in it, and where
 * every node starts, whichever parser read it (read-yaml-file.ts picks the parser).
 */

export type YamlPath = readonly (string | number)[];

export interface YamlIssue {
  /** Offset in the source where the mistake is. */
  offset: number;
  severity: 'error' | 'warning';
  /** The parser's message, first line only. */
  message: string;
}

export interface YamlFile {
  /** Present when the file has no YAML error (warnings allowed). */
  data?: unknown;
  issues: YamlIssue[];
  /**
   * The offset where the value at `path` starts (`key`: where the key of its last step starts);
   * a path that goes further than the file points at the deepest node along it that exists.
   */
  offsetOf(path: YamlPath, key: boolean): number;
  /** 1-based line and column of an offset. */
  linePos(offset: number): { line: number; col: number };
}
