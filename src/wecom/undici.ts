/**
 * undici, kfbot's HTTP client for the WeCom API, loaded on the first call. It is the largest
 * thing `kfbot serve` would load at start-up (~100 ms, ~10 MB resident), and a server that has
 * not been sent a message yet makes no call.
 */
type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;

export function undici(): Promise<Undici> {
  loading ??= import('undici');
  return loading;
}
