/**
 * Why a server could not listen, in one sentence with the fix; undefined for other errors.
 * `serve`, `chat` and `wecom-simulator` say it the same way, each naming its own settings.
 */
export function listenProblem(
  err: unknown,
  where: { host: string; port: string; portSetting: string; hostSetting: string },
): string | undefined {
  const { host, port, portSetting, hostSetting } = where;
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `port ${port} is in use; set ${portSetting}`;
    case 'EACCES':
      return `port ${port} needs privileges kfbot does not have; use a port above 1023 (${portSetting})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `${hostSetting.split(' ')[0]} "${host}" is not a known host name; set ${hostSetting} to 0.0.0.0 (every interface), 127.0.0.1, or an address of this machine`;
    case 'EADDRNOTAVAIL':
      return `${hostSetting.split(' ')[0]} "${host}" is not an address of this machine; set ${hostSetting} to 0.0.0.0 (every interface), 127.0.0.1, or one of its addresses`;
    default:
      return undefined;
  }
}
