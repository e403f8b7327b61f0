/**
 * A big FAQ for load and reload tests and benches (issue #25 item 8): `items` items × `perItem`
 * 相似问法 built from everyday wording shared across items, plus words of their own.
 */
const TOPICS = '退款发票运费快递地址订单优惠会员积分售后尺码颜色保修安装配送价格库存预售定金尾款赠品';
const ASK = ['怎么', '多久', '能不能', '在哪', '为什么', '可以', '要不要', '什么时候', '多少钱', '有没有'];

/** A question built from everyday wording shared across items, plus a word of its own. */
function question(i: number, k: number): string {
  const t = (n: number) => TOPICS[n % TOPICS.length] as string;
  return `${t(i)}${t(i * 7 + k)}${ASK[(i + k) % ASK.length]}${t(i * 13 + 5)}处理${i}号${k}`;
}

/** The rules.yaml text of such an FAQ. */
export function bigFaqYaml(items: number, perItem: number): string {
  const lines = ['faq:'];
  for (let i = 0; i < items; i++) {
    const qs = Array.from({ length: perItem }, (_, k) => JSON.stringify(question(i, k)));
    lines.push(`  - id: item_${i}`, `    questions: [${qs.join(', ')}]`, `    reply: 第 ${i} 项的答案`);
  }
  return `${lines.join('\n')}\n`;
}
