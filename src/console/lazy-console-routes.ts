/**
 * The console's routes, loaded by the first request under /console. The console (its pages, the
 * rule editor and its YAML library, the Excel export) is most of kfbot's own code; a server whose
 * console nobody has opened keeps none of it in memory (issue #28's idle target).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleMode } from './console-mode.ts';
import type { ConsoleContext } from './console-page.ts';
import { isConsolePath } from './console-path.ts';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export function lazyConsoleRoutes(mode: ConsoleMode, ctx: ConsoleContext): Route {
  let routes: Promise<Route> | undefined;
  return async (req, res, url) => {
    if (!isConsolePath(url.pathname)) return false;
    routes ??= import('./console-routes.ts').then(({ consoleRoutes }) => consoleRoutes(mode, ctx));
    return (await routes)(req, res, url);
  };
}
