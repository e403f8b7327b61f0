/**
 * Plausible WeChat nicknames for customers the simulator invents, so the sandbox and test logs
 * read like a real inbox rather than "customer 1".
 */
import type { IdFactory } from './random-ids.ts';

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
];
const TITLES = ['先生', '女士', '小姐', '老师', '姐', '哥'];
const ADJECTIVES = ['快乐的', '安静的', '爱笑的', '努力的', '慢慢的', '认真的', '想睡觉的', '会飞的'];
const NOUNS = ['小鱼', '猫咪', '向日葵', '星星', '土豆', '柠檬', '云朵', '小熊', '橘子', '蜗牛'];
const PHRASES = [
  '岁月静好',
  '一路向北',
  '半夏微凉',
  '追风少年',
  '人间烟火',
  '知足常乐',
  '平安喜乐',
  '海阔天空',
];
const LATIN = ['Lily', 'Kevin', 'Annie', 'Jason', 'Coco', 'Leo', 'Momo', 'Tony', 'Vivian', 'Sunny'];
const DECOR = ['🌸', '🍀', '☀️', '🌙', '✨', '🐱'];

export type Gender = 0 | 1 | 2;

export interface InventedProfile {
  nickname: string;
  /** §7.2: 0 unknown · 1 male · 2 female. */
  gender: Gender;
}

export function inventProfile(ids: IdFactory): InventedProfile {
  const gender = ids.pick<Gender>([0, 1, 1, 2, 2]);
  switch (ids.int(0, 4)) {
    case 0: {
      const title =
        gender === 1
          ? ids.pick(['先生', '哥'])
          : gender === 2
            ? ids.pick(['女士', '小姐', '姐'])
            : ids.pick(TITLES);
      return { nickname: `${ids.pick(SURNAMES)}${title}`, gender };
    }
    case 1:
      return { nickname: `${ids.pick(ADJECTIVES)}${ids.pick(NOUNS)}`, gender };
    case 2:
      return { nickname: `${ids.pick(DECOR)}${ids.pick(PHRASES)}`, gender };
    case 3:
      return { nickname: `${ids.pick(LATIN)}${ids.int(0, 1) === 1 ? String(ids.int(1, 99)) : ''}`, gender };
    default:
      return { nickname: `${ids.pick(NOUNS)}${ids.pick(['酱', '同学', '本人', '不吃香菜'])}`, gender };
  }
}

/** A WeChat-CDN-shaped avatar URL. */
export function inventAvatar(ids: IdFactory): string {
  return `https://wx.qlogo.cn/mmhead/${ids.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40)}/0`;
}
