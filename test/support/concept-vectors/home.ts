/**
 * Where people live: renting and buying homes, the 物业, appliances and their fitters, home
 * cleaning, water, power and gas.
 */
export const HOME: Record<string, string> = {
  // renting and buying
  rent_home: '租房 出租 房租 整租 合租 押一付三 房东 中介 租客 退租 转租 续租 租期 单间 公寓 月付 季付',
  buy_home: '买房 购房 新房 二手房 楼盘 首付 户型 样板房 交房 售楼处 开盘 房价 过户 网签 房产证 公积金贷款',
  viewing: '看房 带看 实地看 约看房 看一下房子 vr看房',
  // property management
  property_fee: '物业费 管理费 物业 物业公司 公摊 车位费 停车管理费',
  access: '门禁 门禁卡 刷卡进门 访客 车辆进出 道闸 人脸识别门 进不了小区 开门卡',
  elevator: '电梯 电梯坏了 困电梯 电梯停 电梯维修',
  garbage: '垃圾 垃圾分类 清运 垃圾桶 建筑垃圾 扔垃圾',
  plumbing: '漏水 渗水 水管 堵了 下水道 马桶堵 地漏 疏通 水龙头 马桶 管道 返味',
  renovation: '装修 改造 施工 装修许可 刷墙 吊顶 铺地板 瓷砖 防水 水电改造 开工',
  neighbour: '邻居 楼上 楼下 对门 噪音扰民 占车位 高空抛物 乱停',
  // appliances
  appliance: '家电 电器 家用电器 大家电 小家电',
  'appliance.aircon': '空调 制冷 制热 不制冷 不制热 加氟 挂机 柜机 中央空调 外机 滴水',
  'appliance.fridge': '冰箱 冷藏 冷冻 不制冷了 结霜 冰柜',
  'appliance.washer': '洗衣机 甩干 脱水 滚筒 波轮 烘干机',
  'appliance.heater': '热水器 燃气热水器 电热水器 没热水 水不热 地暖 暖气片 壁挂炉',
  'appliance.kitchen': '油烟机 燃气灶 灶台 微波炉 烤箱 洗碗机 净水器 消毒柜 蒸烤箱 电饭煲',
  'appliance.tv': '电视 电视机 投影仪 机顶盒 遥控器',
  'appliance.small': '扫地机 吸尘器 空气净化器 加湿器 电风扇 吹风筒',
  install: '安装 报装 装机 装一下 师傅上门安装 安装费 拆机 移机 打孔 支架',
  home_visit:
    '上门 到家 上门服务 派人来 师傅来 来家里 派师傅 上门费 几点上门 师傅几点到 上门吗 能上门 来家里吗 上门取 到家服务',
  warranty: '保修 质保 保修期 过保 保内 保外 三包 延保 包修 包换 免费维修 保修卡 整机保修',
  // home cleaning
  housekeeping:
    '家政 保洁 打扫 做卫生 钟点工 阿姨 保姆 月嫂 育儿嫂 深度保洁 开荒保洁 擦玻璃 大扫除 清洗油烟机 清洗空调 家务 住家 不住家',
  // water, power, gas
  water_supply: '水费 停水 自来水 水压 水表 没水 水质 水黄',
  power: '电费 停电 电表 跳闸 没电 电压 用电 断电 来电了吗 电卡',
  gas: '燃气 天然气 煤气 燃气费 燃气表 漏气 燃气泄漏 燃气卡 点不着 开通燃气 通气',
  utility_bill: '生活缴费 缴费 交费 欠费 抄表 读数 阶梯 预存 缴费单 交水电',
};
