/**
 * The fake embeddings server's "model": deterministic vectors standing in for what a real
 * embedding model knows — that 泰迪 is a dog and a dog a pet, that 地库 is where one parks, that
 * 寵物 is 宠物. Each concept is one dimension, lit by any of its words (longest words first, each
 * part of the text used once, so 不满意 is not also 满意); every character adds a small hashed
 * component, so unrelated texts are not orthogonal and texts sharing characters lean together,
 * as with real models. Written from the rule files' topics and general Chinese, never from the
 * phrasing sets the eval measures.
 */
const CONCEPTS: Record<string, readonly string[]> = {
  // time, money, place: what kind of question
  time: [
    '几点',
    '幾點',
    '什么时候',
    '什麼時候',
    '时间',
    '時間',
    '多久',
    '几天',
    '幾天',
    '多长时间',
    '最早',
    '最晚',
    '提前',
    '延迟',
    '延遲',
    '晚点',
    '早点儿',
  ],
  price: [
    '多少钱',
    '多少錢',
    '收费',
    '收費',
    '费用',
    '費用',
    '价格',
    '價格',
    '免费',
    '免費',
    '扣钱',
    '要钱',
    '花钱',
    '贵不贵',
  ],
  place: ['在哪', '哪里', '哪裡', '几楼', '幾樓', '位置', '怎么走', '怎么过来'],
  // hotel
  checkin: ['入住', '办入住', 'check in', 'checkin', '进房', '進房', '到店', '登记入住', '开房'],
  checkout: ['退房', 'check out', 'checkout', '离店', '離店', '续住', '續住'],
  breakfast: ['早餐', '早饭', '早飯', '早点', '早茶', '自助早', 'breakfast'],
  parking: [
    '停车',
    '停車',
    '泊车',
    '车位',
    '車位',
    '地库',
    '地庫',
    '车库',
    '車庫',
    '自驾',
    '开车',
    '開車',
    'parking',
  ],
  wifi: ['wifi', 'wi-fi', '无线', '無線', '网络', '網絡', '網路', '上网', '上網', '网速', '網速', '信号'],
  booking: ['预订', '預訂', '预定', '預定', '订房', '訂房', '订的房'],
  cancel: ['取消', '退订', '退訂', '不去了', '不要了', '撤销', '撤銷', '不想买了'],
  pet: ['宠物', '寵物', '狗', '猫', '貓', '泰迪', '柯基', '金毛', '毛孩子', '狗狗', '猫咪'],
  deposit: ['押金', '按金', '保证金', '保證金', '预授权', '預授權'],
  shuttle: ['接机', '接機', '接送', '机场', '機場', '送机', '送機', '高铁站', '火车站', '班车', '班車'],
  luggage: ['行李', '寄存', '箱子', '行李箱'],
  extra_bed: ['加床', '婴儿床', '嬰兒床', '床'],
  child: ['小孩', '孩子', '儿童', '兒童', '宝宝', '寶寶'],
  invoice: ['发票', '發票', '开票', '開票', '报销', '報銷', '抬头', '專票', '专票'],
  gym_pool: ['健身', '游泳', '泳池', '健身房', '跑步机'],
  // shop
  logistics: [
    '快递',
    '快遞',
    '物流',
    '包裹',
    '单号',
    '單號',
    '派送',
    '到哪了',
    '到哪里了',
    '没到',
    '沒到',
    '还没收到货',
  ],
  shipping: ['发货', '發貨', '发出', '發出', '寄出', '送达', '送達', '收到货', '到货'],
  address: ['地址', '收货人', '收件人', '收货电话'],
  modify: ['修改', '改一下', '更改', '换个', '填错', '写错', '寫錯'],
  order: ['订单', '訂單', '下单', '下單', '拍错', '拍錯', '下错', '下錯', '买错'],
  returns: [
    '退货',
    '退貨',
    '退换',
    '退換',
    '换货',
    '換貨',
    '寄回',
    '退回去',
    '售后',
    '售後',
    '无理由',
    '無理由',
    '不合适',
    '尺码',
  ],
  refund: ['退款', '退钱', '退錢', '钱退', '到账', '到賬', '退回来的钱'],
  shipping_fee: [
    '运费',
    '運費',
    '邮费',
    '郵費',
    '包邮',
    '包郵',
    '快递费',
    '配送范围',
    '偏远',
    '偏遠',
    '新疆',
    '西藏',
    '运费险',
  ],
  pay: ['付款', '支付', '信用卡', '花呗', '花唄', '支付宝', '支付寶', '微信支付', '分期', '货到付款', '刷卡'],
  human: ['人工', '真人', '客服', '机器人', '機器人', '转接', '轉接'],
  live: ['直播', '主播', '直播间', '直播間', '原价', '原價', '活动价'],
  menu: ['菜单', '菜單', '主菜单', '返回', '重新选择'],
  rate_bad: ['不满意', '不滿意', '差评', '差評', '太差', '很差'],
  rate_good: ['满意', '滿意', '好评', '好評', '点赞', '很好'],
  rate_ok: ['一般', '还行', '還行', '马马虎虎', '凑合', '湊合'],
};

const WORDS = Object.entries(CONCEPTS)
  .flatMap(([concept, words]) => words.map((w) => ({ word: w.toLowerCase(), concept })))
  .sort((a, b) => b.word.length - a.word.length);
const CONCEPT_NAMES = Object.keys(CONCEPTS);

/** How much one concept weighs against the characters' hashed components. */
const CHAR_WEIGHT = 0.7;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The concepts a text mentions, longest words first, each part of the text used once. */
export function conceptsOf(text: string): string[] {
  let rest = text.toLowerCase();
  const found: string[] = [];
  for (const { word, concept } of WORDS) {
    if (!rest.includes(word)) continue;
    rest = rest.split(word).join(' ');
    if (!found.includes(concept)) found.push(concept);
  }
  return found;
}

/** A unit vector of `dimensions` numbers (at least the concepts' count + 16). */
export function conceptVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const concepts = conceptsOf(text);
  for (const c of concepts) {
    const i = CONCEPT_NAMES.indexOf(c) % dimensions;
    v[i] = (v[i] as number) + 1;
  }
  const chars = [...text.replace(/\s+/g, '')];
  const spare = dimensions - CONCEPT_NAMES.length;
  if (chars.length > 0 && spare > 0) {
    const w = CHAR_WEIGHT / Math.sqrt(chars.length);
    for (const ch of chars) {
      const i = CONCEPT_NAMES.length + (hash(ch) % spare);
      v[i] = (v[i] as number) + w;
    }
  }
  let norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  if (norm === 0) {
    v[dimensions - 1] = 1;
    norm = 1;
  }
  return v.map((x) => x / norm);
}
