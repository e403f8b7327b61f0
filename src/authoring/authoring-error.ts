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

/** What each code means to an operator and what to do, where the error has no `zh` of its own. */
const CODE_ZH: Record<AuthoringErrorCode, string> = {
  'not-found': '找不到要改的内容（可能刚被别人改名或删除），请刷新页面后再试',
  exists: '已经有同样的内容，请换一个编号或名字',
  'bad-edit': '这处修改有误，请按后面的说明改正',
  'bad-path': '文件不在规则文件夹里，控制台只改规则文件夹里的文件',
  unsupported: '这处 YAML 的写法控制台无法安全改写，请直接在规则文件里修改',
};

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

  /** What went wrong in Chinese: its own `zh`, else what its code means. */
  get zhOrCode(): string {
    return this.zh ?? CODE_ZH[this.code];
  }
}
