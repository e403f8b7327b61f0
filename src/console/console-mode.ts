/**
 * Whether the operator console is on, and how a browser signs in. With KFBOT_CONSOLE_PASSWORD set
 * it is on behind that password. In sandbox mode on loopback it is on without one, so a newcomer
 * sees it with `npm start`: no other machine can reach a loopback address, as with the sandbox's
 * own page (serve-mode.ts). Anywhere else without a password it is off: every /console path is a
 * 404 and the start-up log says so once.
 */
import { isLoopback } from '../config/loopback.ts';

export type ConsoleMode =
  | { kind: 'off' }
  /** Signed in with the password (config.ts checks it has at least 12 characters). */
  | { kind: 'password'; password: string; trustProxy: boolean }
  /** The sandbox on loopback: every visitor is signed in (still with a session cookie and CSRF). */
  | { kind: 'open'; trustProxy: boolean };

export function consoleMode(opts: {
  password?: string | undefined;
  trustProxy?: boolean | undefined;
  sandbox: boolean;
  host: string;
}): ConsoleMode {
  const trustProxy = opts.trustProxy === true;
  if (opts.password) return { kind: 'password', password: opts.password, trustProxy };
  if (opts.sandbox && isLoopback(opts.host)) return { kind: 'open', trustProxy };
  return { kind: 'off' };
}

/** The one start-up line about the console. */
export function consoleStartLine(mode: ConsoleMode, url: string): string {
  switch (mode.kind) {
    case 'off':
      return 'console off: set KFBOT_CONSOLE_PASSWORD (at least 12 characters) to serve the operator console at /console';
    case 'password':
      return `console on at ${url}/console (signed in with KFBOT_CONSOLE_PASSWORD; put it behind HTTPS)`;
    case 'open':
      return `console on at ${url}/console without a password (sandbox on loopback only)`;
  }
}
