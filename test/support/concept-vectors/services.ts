/**
 * Services people sign up for: phone carriers, banks and payment, insurance, courses and driving
 * schools, apps and their accounts, government-style offices.
 */
export const SERVICES: Record<string, string> = {
  // phone carrier
  phone_fee: '话费 电话费 手机费 资费 月租 月费 最低消费 保底消费',
  balance: '余额 还剩 剩多少 剩下多少 剩余 还有多少钱 查余额 余量 还剩多少',
  bill: '账单 帐单 详单 明细 扣费 多扣 乱扣 消费记录 扣款 收费明细 莫名扣费 扣了钱',
  recharge: '充值 充钱 冲值 充话费 交话费 缴话费 充不进去 充错号码',
  data: '流量 流量包 加油包 gb 上网流量 数据流量 定向流量 流量超了 不限量 限速',
  plan: '套餐 降档 升档 合约 档次 换套餐 改套餐 办套餐 合约期 副卡 亲情号',
  voice: '通话 通话时长 分钟数 语音 来电显示 彩铃 呼叫转移 国际长途 长途 打电话费 接听',
  sms: '短信 彩信 垃圾短信 骚扰电话 拦截 收不到短信 发不了短信',
  broadband: '宽带 宽频 光纤 光猫 路由器 网线 千兆 百兆 装网 网络电视 iptv',
  sim: 'sim 手机卡 电话卡 补卡 换卡 挂失 号卡 esim 卡槽 实体卡 靓号 选号',
  carrier: '运营商 移动 联通 电信 携号转网 转网 广电',
  cell_signal: '信号差 没信号 收不到 打不通 断断续续 一格 无服务 信号不好',
  suspended: '停机 复机 保号 被停 停机保号 开机 欠费停机',
  five_g: '5g 五g 4g 5g网络',
  activate: '开通 激活 启用 开启 生效 办理开通 什么时候生效',
  // banks and payment
  bank_card: '银行卡 储蓄卡 借记卡 卡片 工资卡 开户 办银行卡 销卡 社保卡激活',
  credit_card: '信用卡 额度 提额 账单日 还款日 最低还款 年费 临时额度 免息期 办信用卡',
  loan: '贷款 借款 房贷 车贷 利率 利息 还款 提前还款 逾期 征信 放款 审批额度 借钱 网贷',
  transfer_money: '转账 汇款 跨行 转错 限额 到账慢 没到账 收款 手续费',
  cash: '取钱 取现 提现 atm 取款 存钱 存款 定期 活期 理财 大额存单 基金定投',
  card_frozen: '冻结 锁卡 卡被冻 解冻 止付 被限制 账户异常 非柜面',
  fraud: '诈骗 被骗 盗刷 盗号 可疑 风险 钓鱼 冒充 不是我本人操作',
  // insurance
  insurance_policy:
    '保险 保单 投保 保费 险种 车险 意外险 医疗险 重疾险 寿险 百万医疗 退保 续保 犹豫期 受益人 保额 交强险 商业险',
  claim: '理赔 报案 索赔材料 理赔进度 赔款 保险公司赔 理赔材料 拒赔',
  // courses and training
  course:
    '课程 课 上课 开课 班 班级 小班 一对一 网课 直播课 录播 课时 学时 节课 大课 班型 普通班 vip班 速成班 快速班 周末班 晚班 精品班 快班 慢班 包过班',
  enroll: '报名 报班 招生 入学 插班 名额 入学考试 分班',
  teacher: '老师 讲师 师资 班主任 助教 外教 换老师',
  certificate: '证书 考证 结业 毕业证 资格证 学历 结业证 证书含金量',
  exam: '考试 科目一 科目二 科目三 科目四 理论 路考 补考 挂科 考场 约考 考几次 模拟考 笔试 面试 考不过 没考过 通过率 科一 科二 科三 科四 约考试 考试预约 补考费 考不过怎么办 考试费 挂了 没过 第几次考 题库 刷题 模拟题 理论考试',
  tuition: '学费 培训费 课时费 报名费 学费多少 分期学费 退学费',
  // driving school
  license:
    '驾照 驾驶证 拿证 考驾照 学车 学驾照 c1 c2 a1 a2 b1 b2 增驾 驾校 车型c1 手动挡 自动挡 拿本 驾驶本 驾考 学驾驶 考本 考个本 学开车 考驾驶证 拿驾照 驾照多久 驾龄',
  practice:
    '练车 陪练 上车练 模拟器 倒库 侧方 侧方停车 s弯 坡起 直角转弯 曲线行驶 练车时间 约车 练习开车 上车 摸车 约练 预约练车 车少 排不上车 练车难 一人一车 几个人一辆车 练几次',
  // apps and software
  app: 'app 软件 应用 小程序 公众号 客户端 官网 网页 下载 更新 升级 版本 闪退 bug 打不开 白屏 加载不出来 卡死 安卓 苹果 ios',
  subscription: '订阅 自动续订 取消订阅 连续包月 包月 包年 扣了会员费',
  // offices
  gov_certificate: '办证 补办 换证 年审 户口 落户 公积金 出入境 身份证办理 驾照换证 不动产',
  gov_office: '政务 办事大厅 窗口 政务中心 市民中心 派出所 街道办 居委会 社区 12345 网上办 一网通办',
};
