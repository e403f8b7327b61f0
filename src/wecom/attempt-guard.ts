/**
 * A check that runs right before each API request is written to the socket — the first attempt
 * and every retry inside the client alike. kfbot's pulls install the account lease's check here, so
 * a replica that was paused past its lease cannot make a call for work it no longer owns, even
 * from a retry that was already under way when it froze (a `kf/service_state/trans` has no msgid
 * to make a stale repeat harmless). The check runs inside undici, after the connection is ready
 * and before a byte of the request goes out, so nothing can pause the process between a stale
 * guard's "yes" and the write that it was not already able to pause before the first write.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dispatcher } from 'undici';

/** Throws to stop the request unsent; the error reaches the caller unchanged. */
export type AttemptGuard = () => void;

const current = new AsyncLocalStorage<AttemptGuard>();

/** Runs `fn` so that every API attempt made within it (however deep) is checked by `guard` first. */
export function withAttemptGuard<T>(guard: AttemptGuard, fn: () => Promise<T>): Promise<T> {
  return current.run(guard, fn);
}

export function currentAttemptGuard(): AttemptGuard | undefined {
  return current.getStore();
}

/**
 * `dispatcher`, with `guard` called when undici is about to write the request. A refusal aborts
 * the request before it is written, and is handed to `onRefused` so the caller can rethrow it as is.
 */
export function guardedDispatcher(
  dispatcher: Dispatcher,
  guard: AttemptGuard,
  onRefused: (err: unknown) => void,
): Dispatcher {
  return dispatcher.compose(
    (dispatch) => (opts, handler) =>
      dispatch(opts, {
        onRequestStart(controller, context) {
          try {
            guard();
          } catch (err) {
            onRefused(err);
            controller.abort(err instanceof Error ? err : new Error(String(err)));
            return;
          }
          handler.onRequestStart?.(controller, context);
        },
        onRequestUpgrade: (...args) => handler.onRequestUpgrade?.(...args),
        onResponseStart: (...args) => handler.onResponseStart?.(...args),
        onResponseData: (...args) => handler.onResponseData?.(...args),
        onResponseEnd: (...args) => handler.onResponseEnd?.(...args),
        onResponseError: (...args) => handler.onResponseError?.(...args),
      }),
  );
}
