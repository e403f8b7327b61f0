/**
 * Reads one rule file's YAML. Most rule files are read by the fast reader of plain-yaml.ts;
 * anything it is not sure to read exactly as the `yaml` package would (and every file with a YAML
 * mistake) goes to full-yaml.ts, whose messages and positions are the reference.
 */
import { readFullYaml } from './full-yaml.ts';
import { readPlainYaml } from './plain-yaml.ts';
import type { YamlFile } from './yaml-file.ts';

export function readYamlFile(source: string): YamlFile {
  return readPlainYaml(source) ?? readFullYaml(source);
}
