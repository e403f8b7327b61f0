import { describe, expect, it } from 'vitest';
import { BUILTIN_SYNONYMS } from '../../../src/rules/faq/builtin-synonyms.ts';
import { type FaqEntry, FaqIndex } from '../../../src/rules/faq/faq-index.ts';
import { questionText, SynonymMap } from '../../../src/rules/faq/question-text.ts';
import { loadRulesOrThrow } from '../../../src/rules/load-rules.ts';

const ENTRIES: FaqEntry[] = [
  { id: 'refund_time', label: '退款多久到账？', questions: ['退款多久到账？', '钱什么时候退回来'] },
  { id: 'invoice', label: '怎么开发票？', questions: ['怎么开发票？', '发票怎么开'] },
  { id: 'shipping_fee', label: '运费', questions: ['运费怎么算', '包邮吗'] },
  { id: 'order_where', label: '我的快递到哪了？', questions: ['我的快递到哪了？', '快递怎么还没到'] },
  { id: 'refund_progress', label: '退款进度怎么查？', questions: ['退款进度怎么查？'] },
];
const index = () =>
  new FaqIndex(ENTRIES, { threshold: 0.5, margin: 0.05, synonyms: [...BUILTIN_SYNONYMS, ['运费', '邮费']] });

describe('questionText', () => {
  it('folds width, case, traditional characters, punctuation, emoji and filler', () => {
    expect(questionText('請問一下，發票怎麼開呢？？😂')).toBe('发票怎么开');
    expect(questionText('ＷｉＦｉ密码')).toBe('wifi密码');
    expect(questionText('谢谢！包邮吗')).toBe('包邮');
  });

  it('turns Taiwan’s words into the mainland’s, so 網路 meets a listed 网络', () => {
    expect(questionText('無線網路怎麼連')).toBe('无线网络怎么连');
    expect(questionText('軟體打不開')).toBe('软件打不开');
  });

  it('reads an A-not-A question (有没有, 含不含, 有木有) as the question it asks, and keeps real negations', () => {
    expect(questionText('有没有淋浴？')).toBe('有淋浴');
    expect(questionText('房费含不含早餐')).toBe('房费含早餐');
    expect(questionText('喜不喜欢')).toBe('喜欢');
    expect(questionText('还有木有货')).toBe('还有货');
    // 能不能 and 可不可以 are the built-in synonyms' (可以); a negation that is one stays.
    expect(questionText('能不能寄')).toBe('能不能寄');
    expect(questionText('可不可以退')).toBe('可不可以退');
    expect(questionText('不满意')).toBe('不满意');
    expect(questionText('怎么还没到')).toBe('怎么还没到');
  });
});

describe('SynonymMap', () => {
  it('rewrites the longest group word at a place, so a canonical word is never rewritten inside itself', () => {
    const m = new SynonymMap([
      ['没有', '木有', '没'],
      ['收货地址', '地址'],
    ]);
    expect(m.apply('有没有送早餐')).toBe('有没有送早餐');
    expect(m.apply('木有到')).toBe('没有到');
    expect(m.apply('收货地址填错了')).toBe('收货地址填错了');
    expect(m.apply('地址错了')).toBe('收货地址错了');
  });
});

describe('FaqIndex', () => {
  it('answers a listed question exactly', () => {
    const m = index().match('退款多久到账');
    expect(m.type).toBe('answer');
    expect(m.type === 'answer' && m.candidate).toMatchObject({ id: 'refund_time', score: 1 });
  });

  it('answers traditional characters, filler and a homophone typo', () => {
    for (const [text, id] of [
      ['發票怎麼開', 'invoice'],
      ['请问一下包邮吗？', 'shipping_fee'],
      ['怎么开发漂', 'invoice'],
      ['退宽多久到帐', 'refund_time'],
      ['邮费怎么算', 'shipping_fee'],
    ] as const) {
      const m = index().match(text);
      expect(m.type === 'answer' ? m.candidate.id : m.type, text).toBe(id);
    }
  });

  it('meets a listed question asked the A-not-A way: its 不 is no negation', () => {
    const entries: FaqEntry[] = [
      { id: 'breakfast', label: '含早餐吗？', questions: ['含早餐吗'] },
      { id: 'late', label: '不满意怎么办', questions: ['不满意怎么办'] },
    ];
    const m = new FaqIndex(entries, { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS });
    const o = m.match('含不含早餐啊');
    expect(o.type === 'answer' && [o.candidate.id, o.candidate.score]).toEqual(['breakfast', 1]);
  });

  it('knows how customers ask in colloquial words (咋整, 肿么, 神马, 多钱, 退钱, 邮费)', () => {
    const bare = new FaqIndex(ENTRIES, { threshold: 0.5, margin: 0.05, synonyms: [] });
    const withBuiltins = new FaqIndex(ENTRIES, { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS });
    const o = withBuiltins.match('发票咋整');
    expect(o.type === 'answer' && o.candidate.id).toBe('invoice');
    // 咋整 is 怎么: without the built-in groups it is two unknown characters.
    expect(o.candidates[0]?.score).toBeGreaterThan(bare.analyse('发票咋整').candidates[0]?.score as number);
    const fee = withBuiltins.analyse('邮费肿么算').candidates[0];
    expect([fee?.id, fee?.score]).toEqual(['shipping_fee', 1]);
    const refund = withBuiltins.analyse('退钱多久到账').candidates[0];
    expect([refund?.id, refund?.score]).toEqual(['refund_time', 1]);
    expect(withBuiltins.canonical('运费多钱 神马时候发')).toBe('运费多少钱 什么时候发');
  });

  it('knows everyday words customers type for what a rule file lists (冲澡, 开门, 瞅瞅, 岁数, 开票)', () => {
    const gym = new FaqIndex(
      [
        { id: 'shower', label: '可以洗澡吗', questions: ['可以洗澡吗', '有没有淋浴'] },
        { id: 'hours', label: '营业时间', questions: ['营业时间', '晚上几点关门'] },
        { id: 'age', label: '多大年龄可以来', questions: ['多大年龄可以来', '小孩能办卡吗'] },
      ],
      { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
    );
    for (const [text, id] of [
      ['练完能冲个澡吗', 'shower'],
      ['网点几点开门', 'hours'],
      ['多大岁数可以来', 'age'],
    ] as const) {
      const m = gym.match(text);
      expect(m.type === 'answer' ? m.candidate.id : m.type, text).toBe(id);
    }
    expect(gym.canonical('我想瞅瞅 能开票吗 态度很恶劣')).toBe('我想看看 能开发票 态度差');
  });

  it('leaves a message that shares only question words unanswered', () => {
    const m = index().match('今天天气怎么样');
    expect(m.type).toBe('none');
    expect(m.candidates[0]?.score ?? 0).toBeLessThan(0.5);
  });

  it('asks with the close items when none is clearly ahead', () => {
    const m = index().match('退款到账进度');
    expect(m.type).toBe('clarify');
    expect(m.type === 'clarify' && m.options.map((o) => o.id).sort()).toEqual([
      'refund_progress',
      'refund_time',
    ]);
  });

  it('counts every phrasing of an item that meets the message: two are more evidence than one', () => {
    // 接机多少钱 meets 早餐多少钱 and 加床多少钱 on 多少钱 (one question each), and the shuttle on 机
    // in both 机场接送 and 有接机服务吗: the shuttle is what the customer means, and is answered.
    const hotel = new FaqIndex(
      [
        {
          id: 'breakfast',
          label: '早餐几点？',
          questions: ['早餐几点？', '早餐时间', '含早餐吗', '早餐在几楼', '早餐多少钱'],
          answer: '早餐 6:30-10:00 在二楼餐厅；含早房型每间含两份，另购 68 元/位。',
        },
        {
          id: 'shuttle',
          label: '有接机服务吗',
          questions: ['有接机服务吗', '机场接送', '从机场怎么过来'],
          answer: '提供机场接送服务，单程 150 元，请至少提前 24 小时预约。',
        },
        {
          id: 'extra_bed',
          label: '可以加床吗',
          questions: ['可以加床吗', '加床多少钱', '小孩要加床'],
          answer: '部分房型可加床，200 元/晚（含一份早餐），请提前告知。',
        },
        { id: 'parking', label: '停车', questions: ['停车要钱吗', '停车场在哪', '有车位吗'] },
      ],
      { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
    );
    const m = hotel.match('接机多少钱');
    expect(m.type === 'answer' && m.candidate.id).toBe('shuttle');
  });

  it('says which listed question each candidate matched', () => {
    const [top] = index().search('钱啥时候退回来');
    expect(top).toMatchObject({ id: 'refund_time', question: '钱什么时候退回来' });
  });

  it('finds the same items among 2,000 questions as among a few', () => {
    const many: FaqEntry[] = [...ENTRIES];
    for (let i = 0; i < 500; i++)
      many.push({
        id: `filler_${i}`,
        label: `商品${i}号的尺码`,
        questions: [`商品${i}号的尺码`, `商品${i}号有几种颜色`, `商品${i}号的保修`, `商品${i}号的库存`],
      });
    const big = new FaqIndex(many, { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS });
    expect(big.size).toBeGreaterThanOrEqual(2000);
    const m = big.match('发票怎么开');
    expect(m.type === 'answer' && m.candidate.id).toBe('invoice');
  });

  it('matches a typo of a word its synonyms rewrite: synonyms widen a match, they never hide what was written', () => {
    const idx = new FaqIndex(
      [{ id: 'order_where', label: '查物流', questions: ['查物流', '包裹到哪里了'] }],
      {
        threshold: 0.5,
        margin: 0.05,
        synonyms: [['快递', '物流', '包裹']],
      },
    );
    // It meets the item as strongly as an answer needs (whether it is answered is the decision's:
    // in a one-item FAQ most of any message is words no question has).
    const [top] = idx.search('帮我查下物留');
    expect(top?.id).toBe('order_where');
    expect(top?.score).toBeGreaterThanOrEqual(0.5);
  });

  it('does not answer a message that shares only how it asks (怎么办) with a question of the default rules', () => {
    const shop = loadRulesOrThrow('rules').faq?.index as FaqIndex;
    expect(shop.match('密码忘了怎么办').type).toBe('none');
    const m = shop.match('拍错了咋办');
    expect(m.type === 'answer' && m.candidate.id).toBe('cancel_order');
  });
});

describe('FaqIndex: what every question of an item says (its core)', () => {
  // Written as an operator writes day one: three 相似问法 per item.
  const gym = () =>
    new FaqIndex(
      [
        {
          id: 'branches',
          label: '门店地址在哪',
          questions: ['门店地址在哪', '你们有几家店', '离我最近的店'],
        },
        { id: 'hours', label: '几点开门', questions: ['几点开门', '营业时间', '晚上开到几点'] },
        { id: 'price', label: '年卡多少钱', questions: ['年卡多少钱', '办卡价格', '月卡怎么收费'] },
        {
          id: 'trainer',
          label: '私教怎么收费',
          questions: ['私教怎么收费', '有私人教练吗', '私教课多少钱一节'],
        },
      ],
      { threshold: 0.55, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
    );

  it('tells whether a message holds the words all of an item’s questions share and no other item has', () => {
    const top = (text: string) => gym().analyse(text).candidates[0];
    expect(top('请私教贵不贵')).toMatchObject({ id: 'trainer', core: true });
    // 教练 is in one of its questions only: not the item's core.
    expect(top('请教练贵不贵')).toMatchObject({ id: 'trainer', core: false });
  });

  it('answers a customer whose message holds the core a little below the threshold, and no one else', () => {
    const index = gym();
    const held = index.match('请私教贵不贵');
    expect(held.candidates[0]?.score).toBeLessThan(0.55);
    expect(held.type === 'answer' && held.candidate.id).toBe('trainer');
    expect(index.match('请教练贵不贵').type).toBe('none');
  });

  it('leaves the typed question out of its item’s core in leave-one-out, as a customer would not have written it', () => {
    const index = gym();
    // Question 10 is 有私人教练吗. All three of the item's questions share 私 and 教, which it holds;
    // the other two also share 私教 (the pair), which it does not: typed by a customer, it would not
    // hold the core that calibration must see.
    expect(index.analyse('有私人教练吗').candidates[0]).toMatchObject({ id: 'trainer', core: true });
    const own = index.leaveOneOut(index.slotsOf(10).from);
    expect(own?.expected).toBe('trainer');
    expect(own?.search.candidates[0]).toMatchObject({ id: 'trainer', core: false });
  });
});

describe('FaqIndex with rating items (score:)', () => {
  const ratings = new FaqIndex(
    [
      { id: 'rate_good', label: '😊 满意', questions: ['😊 满意', '非常满意'], strict: true },
      { id: 'rate_ok', label: '😐 一般', questions: ['😐 一般', '还行吧'], strict: true },
      { id: 'rate_bad', label: '😞 不满意', questions: ['😞 不满意', '很不满意'], strict: true },
      { id: 'ship_time', label: '多久发货', questions: ['多久发货', '一般几天送达'] },
    ],
    { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
  );
  const got = (text: string) => {
    const m = ratings.match(text);
    return m.type === 'answer' ? m.candidate.id : m.type;
  };

  it('answers a typed rating as the rating', () => {
    expect(got('一般')).toBe('rate_ok');
    expect(got('非常满意！')).toBe('rate_good');
  });

  it('tells 满意 from 不满意: a negation always counts', () => {
    expect(got('不满意')).toBe('rate_bad');
    expect(got('满意')).toBe('rate_good');
  });

  it('never takes a rating for its negation, even when no item has the customer’s words', () => {
    const threeLevels = new FaqIndex(
      [
        { id: 'rate_5', label: '非常满意', questions: ['非常满意'], strict: true },
        { id: 'rate_3', label: '一般', questions: ['一般'], strict: true },
        { id: 'rate_1', label: '不满意', questions: ['不满意'], strict: true },
      ],
      { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
    );
    const pick = (text: string) => {
      const m = threeLevels.match(text);
      return m.type === 'answer' ? m.candidate.id : m.type;
    };
    expect(pick('满意')).not.toBe('rate_1');
    expect(pick('非常不满意')).toBe('rate_1');
    expect(pick('非常满意')).toBe('rate_5');
  });

  it('does not take a question that merely contains a rating word for a rating', () => {
    expect(got('一般要几天才到')).toBe('ship_time');
  });
});

describe('FaqIndex with the items’ answers', () => {
  const hotel = (withAnswers: boolean) =>
    new FaqIndex(
      [
        {
          id: 'pets',
          label: '可以带宠物吗',
          questions: ['可以带宠物吗', '能带狗入住吗'],
          ...(withAnswers && { answer: '抱歉，本酒店暂不接待宠物（导盲犬除外）。' }),
        },
        {
          id: 'parking',
          label: '有停车场吗',
          questions: ['有停车场吗', '停车收费吗'],
          ...(withAnswers && { answer: '酒店地下停车场对住客免费，入口在酒店东侧。' }),
        },
        { id: 'wifi', label: 'WiFi 密码是多少', questions: ['WiFi 密码是多少', '怎么连wifi'] },
      ],
      { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
    );

  it('counts a word the answer speaks of as explained, so the question around it is answered', () => {
    expect(hotel(false).match('导盲犬可以带进房间吗').type).toBe('none');
    const m = hotel(true).match('导盲犬可以带进房间吗');
    expect(m.type === 'answer' && m.candidate.id).toBe('pets');
  });

  it('never answers from the answer alone: the message must meet one of the questions', () => {
    expect(hotel(true).match('导盲犬').type).toBe('none');
    expect(hotel(true).match('东侧入口').type).toBe('none');
  });
});
