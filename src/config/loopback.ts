/** Whether a listen address is reachable only from this machine (the sandbox and the console decide by it). */

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can connect to. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
