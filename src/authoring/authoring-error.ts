/**
 * Why an edit, a draft or a publish could not go ahead, with a stable code callers switch on
 * (undici-style) and a message that says what to do.
 */
export type AuthoringErrorCode =
  /** The edit names an item, menu, rule or file that is not in the rules. */
  | 'not-found'
  /** The edit would create something that exists already (an id, a click id). */
  | 'exists'
  /** The edit itself is malformed (empty reply, bad position, …). */
  | 'bad-edit'
  /** A path that leaves the rules folder, or is not a rule file. */
  | 'bad-path'
  /** The YAML around the place to change has a shape kfbot does not rewrite safely. */
  | 'unsupported';

export class AuthoringError extends Error {
  override readonly name = 'AuthoringError';
  /**
   * `zh`: what went wrong and what to do, in Chinese, for the console's operators (shown before the
   * English message); where it is missing the console says what the code means.
   */
  constructor(
    readonly code: AuthoringErrorCode,
    message: string,
    readonly zh?: string,
  ) {
    super(message);
  }
}
