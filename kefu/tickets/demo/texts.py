"""What customers bring to the desk, per work-order type, and what staff write back (demo data).

Placeholders: {place} (a spot in the mall or estate), {shop}, {unit} (building/room), {product}, {amount},
{street}. `kinds` are the site kinds a template fits; `dept` is the department the desk transfers it to
(absent = the desk handles it); `channels` narrows how such a request plausibly arrives.
"""

from __future__ import annotations

from .content import ENGINEERING, FINANCE, SECURITY

# --- work-order texts ------------------------------------------------------------------------------------
# kinds: site kinds the template fits; dept: department the desk transfers the order to (None = desk handles it).

ORDER_TEMPLATES: dict[str, list[dict]] = {
    "inquiry": [
        {
            "kinds": ("mall",),
            "subject": "咨询停车收费标准",
            "description": "顾客来电询问周末停车如何收费,消费后能否减免停车费。",
            "resolution": "已告知停车前 30 分钟免费,当日消费满 200 元可抵 2 小时停车费,凭小票到服务台办理。",
        },
        {
            "kinds": ("mall",),
            "subject": "咨询商场营业时间",
            "description": "顾客询问节假日期间商场及{shop}的营业时间。",
            "resolution": "已告知商场营业时间为 10:00-22:00,节假日延长至 22:30,{shop}与商场同步。",
        },
        {
            "kinds": ("mall",),
            "subject": "会员积分兑换咨询",
            "description": "顾客询问会员积分能兑换哪些礼品、积分是否会过期。",
            "resolution": "已说明积分兑换目录及年底清零规则,并指引顾客在服务台自助机查询积分。",
        },
        {
            "kinds": ("mall", "online"),
            "subject": "咨询发票开具方式",
            "description": "顾客在{shop}消费后需要开具增值税普通发票,询问办理流程。",
            "resolution": "已告知凭购物小票和单位开票信息到一楼服务台开具,电子发票 1 个工作日内发送至邮箱。",
        },
        {
            "kinds": ("property",),
            "subject": "咨询物业费缴纳方式",
            "description": "业主询问{unit}本年度物业费金额及能否线上缴纳。",
            "resolution": "已告知物业费标准及微信公众号缴费入口,提醒可开具电子收据。",
        },
        {
            "kinds": ("property",),
            "subject": "咨询装修申报手续",
            "description": "业主计划下月装修{unit},询问需要准备哪些材料、装修押金多少。",
            "resolution": "已告知需提交装修申请表、施工方资质及图纸,押金按规定收取,审批约 3 个工作日。",
        },
        {
            "kinds": ("property",),
            "subject": "咨询访客车辆登记",
            "description": "业主询问亲友来访车辆如何临时进入小区停车。",
            "resolution": "已告知可在业主小程序提前登记访客车牌,临时停车 2 小时内免费。",
        },
        {
            "kinds": ("online",),
            "subject": "咨询订单发货时间",
            "description": "顾客下单购买{product}三天仍未发货,询问预计发货时间。",
            "resolution": "已查询仓库,订单已于今日出库,物流单号已通过短信发送给顾客。",
        },
        {
            "kinds": ("online",),
            "subject": "咨询商品规格",
            "description": "顾客询问{product}的尺寸、功率和适用人数,是否有现货。",
            "resolution": "已按商品详情页及厂家资料逐项答复,并告知现货充足。",
        },
        {
            "kinds": ("mall", "property", "online"),
            "subject": "咨询近期优惠活动",
            "description": "顾客询问本周末有哪些促销活动,是否可以叠加使用优惠券。",
            "resolution": "已介绍本期活动内容,说明优惠券不可与满减活动叠加。",
        },
    ],
    "complaint": [
        {
            "kinds": ("mall",),
            "subject": "投诉店员服务态度差",
            "description": "顾客反映在{shop}试穿时店员语气不耐烦,多次催促其购买,要求商场处理。",
            "resolution": "已约谈{shop}负责人,店员当面致歉,商户承诺加强服务培训,顾客表示接受。",
            "dept": None,
        },
        {
            "kinds": ("mall",),
            "subject": "投诉餐厅食品有异物",
            "description": "顾客在{shop}用餐时发现菜品中有头发,要求退款并赔偿。",
            "resolution": "经现场核实,商户为顾客全额退款并赠送代金券,已要求商户整改后厨卫生。",
            "dept": None,
        },
        {
            "kinds": ("mall",),
            "subject": "投诉卫生间卫生状况",
            "description": "顾客反映{place}地面湿滑、有异味,长时间无人清洁。",
            "resolution": "已通知保洁主管立即清理,增加该区域巡查频次至每 30 分钟一次。",
            "dept": "保安部",
        },
        {
            "kinds": ("property",),
            "subject": "投诉楼上装修噪音扰民",
            "description": "业主投诉{unit}楼上周末早上 7 点即开始电钻施工,严重影响休息。",
            "resolution": "已上门告知施工方装修时间规定,施工方承诺周末不再进行噪音作业,业主认可。",
            "dept": "保安部",
        },
        {
            "kinds": ("property",),
            "subject": "投诉小区车位被占用",
            "description": "业主反映其{place}固定车位连续两天被外来车辆占用,无法停车。",
            "resolution": "保安部已联系车主挪车并登记,加强对外来车辆的进出管理。",
            "dept": "保安部",
        },
        {
            "kinds": ("property",),
            "subject": "投诉维修人员未按约上门",
            "description": "业主预约昨日下午维修{unit}的水龙头,维修人员未到也未提前通知。",
            "resolution": "已向业主致歉并重新安排维修,已对相关人员进行批评教育并纳入考核。",
            "dept": "工程部",
        },
        {
            "kinds": ("online",),
            "subject": "投诉快递延误且客服未回复",
            "description": "顾客购买的{product}超过承诺时效五天仍未送达,在线留言两次无人回复。",
            "resolution": "已联系物流加急派送,向顾客致歉并补偿 20 元无门槛券,顾客已签收。",
            "dept": None,
        },
        {
            "kinds": ("online",),
            "subject": "投诉收到的商品与描述不符",
            "description": "顾客反映收到的{product}颜色与页面图片差异明显,要求退货并承担运费。",
            "resolution": "已同意无理由退货并由商城承担来回运费,退款已原路退回。",
            "dept": None,
        },
        {
            "kinds": ("mall", "property"),
            "subject": "投诉空调温度过高",
            "description": "顾客反映{place}温度明显偏高,闷热不适,已持续一周。",
            "resolution": "工程部检查后清洗了空调滤网并调整出风温度,现场温度已恢复正常。",
            "dept": "工程部",
        },
    ],
    "suggestion": [
        {
            "kinds": ("mall",),
            "subject": "建议增设充电宝租借点",
            "description": "顾客建议在{place}增加共享充电宝租借点,目前只有一楼有。",
            "resolution": "建议已转招商部门评估,计划下月在二、四楼各增设一处,已感谢顾客。",
        },
        {
            "kinds": ("mall",),
            "subject": "建议母婴室增加温奶器",
            "description": "宝妈顾客建议{place}配备温奶器和一次性尿布台垫。",
            "resolution": "已采购温奶器并补充一次性垫纸,已电话告知顾客并致谢。",
        },
        {
            "kinds": ("property",),
            "subject": "建议增加电动车充电桩",
            "description": "业主建议在{place}附近增加电动自行车充电桩,减少飞线充电隐患。",
            "resolution": "已纳入年度改造计划,待业委会审议后实施,已向业主说明进度。",
        },
        {
            "kinds": ("property",),
            "subject": "建议调整垃圾清运时间",
            "description": "业主建议将早上垃圾清运时间推迟到 7 点以后,避免噪音影响休息。",
            "resolution": "已与保洁公司协调,清运时间调整为 7:30,已在公告栏通知。",
        },
        {
            "kinds": ("online",),
            "subject": "建议增加货到付款方式",
            "description": "顾客建议商城支持货到付款,方便老年人购物。",
            "resolution": "建议已反馈运营部门,暂不支持,已感谢顾客并介绍亲友代付功能。",
        },
        {
            "kinds": ("mall", "property", "online"),
            "subject": "建议优化服务热线等待提示",
            "description": "客户反映拨打服务热线时等待音乐过长,建议增加排队人数提示。",
            "resolution": "已提交呼叫系统供应商评估,下一版本增加排队位置播报,已回复客户。",
        },
    ],
    "repair": [
        {
            "kinds": ("mall",),
            "subject": "扶梯异响",
            "description": "顾客反映{place}运行时有明显异响,担心安全。",
            "resolution": "工程部停梯检查,更换磨损梳齿板并加注润滑油,试运行正常后恢复使用。",
            "dept": "工程部",
        },
        {
            "kinds": ("mall",),
            "subject": "卫生间感应水龙头不出水",
            "description": "{place}有两个感应水龙头不出水,洗手台积水。",
            "resolution": "更换感应器电池并疏通台面下水,已恢复正常使用。",
            "dept": "工程部",
        },
        {
            "kinds": ("mall",),
            "subject": "商铺照明跳闸",
            "description": "{shop}来电反映店内照明回路频繁跳闸,影响营业。",
            "resolution": "排查为展柜射灯线路老化短路,已更换线路及空开,运行正常。",
            "dept": "工程部",
        },
        {
            "kinds": ("mall",),
            "subject": "停车场道闸无法抬杆",
            "description": "{place}出口道闸识别车牌后不抬杆,车辆排队。",
            "resolution": "重启道闸控制器并校准车牌识别相机,已恢复,安排保安临时疏导。",
            "dept": "工程部",
        },
        {
            "kinds": ("property",),
            "subject": "卫生间漏水",
            "description": "业主报修{unit}卫生间天花板渗水,怀疑楼上防水层损坏。",
            "resolution": "上门检查为楼上地漏接口松动,已重新密封并做闭水试验,渗水停止。",
            "dept": "工程部",
        },
        {
            "kinds": ("property",),
            "subject": "电梯困人",
            "channels": ("phone",),
            "description": "住户来电称{place}停在两层之间,轿厢内有一名老人。",
            "resolution": "维保人员 15 分钟内到场救出被困人员,检修后电梯恢复运行,已安抚住户。",
            "dept": "工程部",
            "urgent": True,
        },
        {
            "kinds": ("property",),
            "subject": "楼道灯不亮",
            "description": "业主反映{unit}所在楼层楼道声控灯损坏,夜间出行不便。",
            "resolution": "已更换声控灯头,测试正常。",
            "dept": "工程部",
        },
        {
            "kinds": ("property",),
            "subject": "单元门禁刷卡失灵",
            "description": "业主反映{unit}单元门禁刷卡无反应,只能等人开门。",
            "resolution": "更换门禁读卡模块并重新录入卡片信息,已恢复。",
            "dept": "工程部",
        },
        {
            "kinds": ("property",),
            "subject": "下水道堵塞",
            "description": "业主报修{unit}厨房下水道堵塞,污水返溢。",
            "resolution": "使用疏通机清理主管道油污,排水恢复通畅,提醒业主勿倒油脂。",
            "dept": "工程部",
        },
    ],
    "after_sales": [
        {
            "kinds": ("online",),
            "subject": "商品质量问题申请换货",
            "description": "顾客反映收到的{product}使用两天后无法开机,申请换新。",
            "resolution": "核实属质量问题,已安排上门取件并寄出新品,换货完成。",
        },
        {
            "kinds": ("online",),
            "subject": "申请七天无理由退货",
            "description": "顾客购买{product}后觉得不合适,包装完好,申请退货退款。",
            "resolution": "已审核通过退货申请,收到退回商品后 1 个工作日内完成退款。",
        },
        {
            "kinds": ("online",),
            "subject": "商品缺少配件",
            "description": "顾客收到的{product}包装内缺少说明书和充电线。",
            "resolution": "已补寄缺少的配件,顾客确认收到。",
        },
        {
            "kinds": ("mall",),
            "subject": "购买商品出现质量问题",
            "description": "顾客在{shop}购买的{product}穿着一周出现开胶,要求维修或退换。",
            "resolution": "协调商户为顾客办理换货,商户承担相关费用,顾客满意。",
        },
        {
            "kinds": ("mall",),
            "subject": "家电送货安装延误",
            "description": "顾客在{shop}购买的{product}约定昨日送货安装,至今未联系。",
            "resolution": "已督促商户今日上门安装完毕,商户向顾客赠送延保一年作为补偿。",
        },
    ],
    "special_service": [
        {
            "kinds": ("property",),
            "subject": "预约开锁服务",
            "channels": ("phone", "walk_in"),
            "description": "业主钥匙遗落在家中,{unit}需要开锁,已核实业主身份。",
            "resolution": "工程部上门开锁,收取服务费 {amount} 元,已开具收据并登记。",
            "dept": "工程部",
        },
        {
            "kinds": ("property",),
            "subject": "预约空调清洗",
            "description": "业主预约{unit}三台挂机空调清洗服务,希望周六上午上门。",
            "resolution": "已按约完成清洗,收费 {amount} 元,月底随物业费结算。",
            "dept": "工程部",
        },
        {
            "kinds": ("property",),
            "subject": "室内电路检修(有偿)",
            "description": "业主申请为{unit}加装两个插座并检修厨房电路。",
            "resolution": "已完成加装及检修,材料及人工费 {amount} 元,业主现场支付。",
            "dept": "工程部",
        },
        {
            "kinds": ("mall",),
            "subject": "租借轮椅和婴儿车",
            "channels": ("walk_in",),
            "description": "顾客在服务台申请租借轮椅一辆,押金已交。",
            "resolution": "轮椅已归还,押金已全额退还。",
        },
        {
            "kinds": ("mall",),
            "subject": "礼品包装及代送服务",
            "description": "顾客在{shop}购物后申请礼品包装并送到{place}。",
            "resolution": "已完成包装并按时送达,收取包装费 {amount} 元。",
        },
    ],
    "lost_found": [
        {
            "kinds": ("mall",),
            "subject": "顾客遗失手机",
            "channels": ("walk_in", "phone"),
            "description": "顾客称在{place}附近遗失黑色手机一部,请求帮助查找。",
            "resolution": "保安部调取监控后在休息区座椅找到手机,核实身份后已归还失主并签收。",
            "dept": "保安部",
        },
        {
            "kinds": ("mall",),
            "subject": "儿童走失",
            "channels": ("walk_in", "phone"),
            "description": "家长在{place}与孩子走散,孩子约 5 岁,穿红色外套。",
            "resolution": "立即广播并通知各出入口保安,10 分钟后在三楼找到孩子,已交还家长。",
            "dept": "保安部",
            "urgent": True,
        },
        {
            "kinds": ("mall",),
            "subject": "拾获钱包登记",
            "channels": ("walk_in",),
            "description": "保洁人员在{place}拾获棕色钱包一个,内有证件和现金,已交服务台。",
            "resolution": "根据证件联系到失主,失主到服务台核对物品后领回并签字。",
            "dept": None,
        },
        {
            "kinds": ("property",),
            "subject": "快递包裹丢失",
            "channels": ("phone", "walk_in", "social"),
            "description": "业主称放在{place}快递柜旁的包裹不见了,请求查看监控。",
            "resolution": "保安部调阅监控,确认被其他住户误取,已协调归还。",
            "dept": "保安部",
        },
        {
            "kinds": ("property",),
            "subject": "拾获钥匙一串",
            "channels": ("walk_in",),
            "description": "保安在{place}拾获钥匙一串,带有门禁卡。",
            "resolution": "通过门禁卡信息联系到业主,已领回。",
            "dept": "保安部",
        },
    ],
    "other": [
        {
            "kinds": ("mall",),
            "subject": "商户咨询活动场地租用",
            "description": "{shop}希望周末在{place}做促销快闪,咨询场地使用流程。",
            "resolution": "已转交企划部,告知需提前 5 个工作日提交活动方案。",
        },
        {
            "kinds": ("property",),
            "subject": "业主申请开具居住证明",
            "description": "业主因孩子入学需要开具{unit}的居住证明。",
            "resolution": "已核验房产及居住信息,开具证明并盖章,业主领取。",
        },
        {
            "kinds": ("property",),
            "subject": "小区流浪猫问题",
            "description": "业主反映{place}流浪猫较多,夜间叫声扰民,担心伤人。",
            "resolution": "已联系动物救助组织进行绝育及领养,并在公告栏提示勿随意投喂。",
        },
        {
            "kinds": ("online", "mall"),
            "subject": "修改收货信息",
            "description": "顾客下单后发现收货地址写错,请求修改为{street}。",
            "resolution": "订单尚未出库,已修改收货地址并向顾客确认。",
        },
        {
            "kinds": ("mall", "property", "online"),
            "subject": "媒体采访需求登记",
            "description": "有自媒体来电希望拍摄采访,询问是否需要审批。",
            "resolution": "已告知需经品牌部审批,留下联系方式转交相关部门。",
        },
    ],
}

ACCEPT_REPLIES = [
    "您好,您反映的情况我们已经记录,会尽快安排处理,处理进度会及时告知您。",
    "已收到您的反馈,工单已转相关部门跟进,预计今天内给您回复。",
    "感谢您的来电,我们已安排专人处理,请保持电话畅通。",
]
RESULT_REPLIES = [
    "您好,您反映的问题已经处理完毕,处理结果:{resolution}请问您对处理结果是否满意?",
    "回访客户,告知处理结果,客户表示满意。",
    "已电话告知客户处理结果,客户认可,无其他诉求。",
    "已通过短信告知客户处理情况,客户回复收到。",
]
INTERNAL_NOTES = [
    "客户情绪较激动,处理时注意沟通方式。",
    "已查询历史工单,客户本月第二次反映同类问题。",
    "现场拍照留存,照片已发部门工作群。",
    "需采购备件,预计明天到货后再处理。",
    "已电话联系客户确认上门时间。",
    "主管已知悉,要求今日内给出处理方案。",
]
TRANSFER_REASONS = {
    ENGINEERING: ["需工程部上门检修", "属设备故障,转工程部处理", "需专业维修人员到场"],
    SECURITY: ["需调取监控,转保安部协助", "属秩序管理问题,转保安部处理", "需保安到现场处置"],
    FINANCE: ["涉及退费,转财务部核算"],
}
WAIT_NOTES = [
    "已完成初步处理,等待客户确认效果。",
    "方案已告知客户,等待客户答复是否接受。",
    "等待客户提供购物凭证照片。",
]
CANCEL_REASONS = [
    "客户来电表示问题已自行解决,申请撤销。",
    "重复登记,与同日另一工单内容一致。",
    "客户无法联系,多次回电未接通,按规定撤销。",
]
REOPEN_REASONS = [
    "客户回访时反映问题再次出现。",
    "客户对处理结果不满意,要求重新处理。",
]
PRIORITY_REASONS = [
    "客户为 A 级客户,提高处理优先级。",
    "现场情况影响其他顾客,升级为紧急。",
    "客户同意延后处理,降低优先级。",
]
