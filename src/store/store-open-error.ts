/**
 * The store named by KFBOT_STORE cannot be used: kfbot refuses to start with one sentence that says
 * what is wrong and how to fix it (never a stack trace, never after "listening").
 */
export class StoreOpenError extends Error {
  override readonly name: string = 'StoreOpenError';
  readonly code = 'STORE_UNAVAILABLE';
}

/** A file-system error in words. */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission denied';
    case 'ENOENT':
      return 'no such folder, and it cannot be created';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return e.code ? `${e.code}: ${e.message}` : e.message;
  }
}
