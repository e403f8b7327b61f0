/**
 * Synonym groups every rule set gets: ways customers ask "how long", "how", "can I", "what" in
 * everyday Chinese, independent of the business. The first word of a group is the one the others
 * become. A rule file adds its own domain groups under `settings.faq.synonyms`.
 */
export const BUILTIN_SYNONYMS: readonly (readonly string[])[] = [
  ['多久', '多长时间', '多少天', '几天', '多少时间', '什么时候', '啥时候', '何时', '啥时', '几号'],
  ['怎么', '怎样', '如何', '咋样', '咋', '怎么弄', '怎么办', '咋办', '怎么搞', '怎么操作'],
  ['可以', '能不能', '可不可以', '能否', '行不行', '可否', '能够'],
  ['什么', '啥', '甚么'],
  ['为什么', '为啥', '怎么回事'],
  ['多少钱', '什么价', '啥价', '几块钱', '价格多少', '价钱'],
  ['我想', '我要', '想要', '我需要', '我得'],
];
