/** A minimal typed listener set: `add` returns the function that removes the listener. */
export class Signal<T> {
  readonly #listeners = new Set<(value: T) => void>();

  /** `onError` hears a listener that threw; the default reports it as a process warning. */
  constructor(private readonly onError: (err: unknown) => void = reportListenerError) {}

  add(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls every listener; one that throws does not stop the others or corrupt the simulated platform. */
  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

function reportListenerError(err: unknown): void {
  process.emitWarning(
    `a simulator listener threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
}
