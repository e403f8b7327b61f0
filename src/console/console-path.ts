/** Whether a request path is the console's: the one test both the lazy loader and the routes use. */
export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}
