/** Turns a file-system error into words a user can act on; kept apart so the CLI can load it without YAML. */
import { lstatSync, readlinkSync } from 'node:fs';

/** Why a path cannot be read, in words (a dangling symlink, a folder, no permission, …). */
export function unreadable(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      try {
        if (lstatSync(path).isSymbolicLink())
          return `it is a symbolic link to "${readlinkSync(path)}", which does not exist`;
      } catch {
        // not there at all
      }
      return 'it does not exist';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'it is a symbolic link that loops';
    default:
      return (err as Error).message;
  }
}
