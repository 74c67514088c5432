"""Per-domain matter templates of the demo county, in the language of a governance centre's ledger (台账).

Placeholders are filled by ``texts.context``. Templates carry the domain's keywords so that later triage and
early-warning work sees realistic text; people appear only as "村民王某", never by full name.
"""

from __future__ import annotations

from dataclasses import dataclass

DISPUTE, HAZARD, INCIDENT, DEMAND = "dispute", "hazard", "incident", "demand"


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    description: str
    people: tuple[int, int] = (1, 3)  # people involved, inclusive range
    amount: tuple[int, int] = (0, 0)  # yuan, inclusive range; (0, 0) when no money is involved
    respondent: str = ""  # "company", "person", "organisation" or "" (no respondent party)
    likelihood: tuple[int, int] = (1, 3)
    outcome: str = ""  # a key of OUTCOMES for outcomes specific to this template; default by kind


T = Template

DOMAIN_TEMPLATES: dict[str, list[Template]] = {
    "political_security": [
        T(
            HAZARD,
            "{village}发现张贴不明传单",
            "网格员巡查时在{place}发现张贴有不明内容传单{k}张，内容涉及煽动性言论，已拍照留存并全部清除，需核查来源。",
            (1, 1),
            likelihood=(1, 2),
        ),
        T(
            HAZARD,
            "{village}有境外人员异常活动线索",
            "群众反映{place}近期有陌生人员频繁活动并向村民发放资料，疑似境外组织渗透，请求核实。",
            (1, 2),
            likelihood=(1, 2),
        ),
        T(
            HAZARD,
            "敏感节点前{village}重点人员稳控",
            "临近敏感节点，{village}有{k}名重点关注人员近期流露不满情绪，需落实稳控和思想疏导。",
            (1, 4),
            likelihood=(2, 3),
        ),
    ],
    "veterans": [
        T(
            DEMAND,
            "退役军人{surname}某反映优抚待遇未落实",
            "{village}退役军人{surname}某反映其{year}年退伍后，优抚金发放标准与政策不符，已多次咨询未果，请求核实落实。",
            (1, 1),
            (2000, 20000),
            likelihood=(2, 3),
        ),
        T(
            DEMAND,
            "{k}名退役老兵反映安置问题",
            "{town}{k}名退役老兵联名反映当年安置承诺未兑现，生活困难，希望政府协调解决就业和社保问题。",
            (3, 15),
            likelihood=(2, 4),
        ),
        T(
            DISPUTE,
            "退役军人与{company}劳动合同纠纷",
            "退役军人{surname}某在{company}工作{months}个月后被辞退，未签订劳动合同，要求补偿{amount}。",
            (1, 1),
            (5000, 30000),
            "company",
            (2, 3),
        ),
    ],
    "mass_economic_cases": [
        T(
            HAZARD,
            "{town}有投资公司以高息理财吸收资金",
            "群众反映{place}附近一家投资公司以年化{rate}%高息返利为名向中老年人推销理财产品，已有{n}余人参与，涉及金额约{amount}，存在非法集资风险。",
            (10, 80),
            (200000, 3000000),
            "company",
            (3, 4),
        ),
        T(
            INCIDENT,
            "{company}理财产品爆雷投资人聚集",
            "{company}理财产品到期无法兑付，负责人疑似跑路，{n}余名投资人到{town}政府门口聚集，要求追回本金，涉及金额{amount}。",
            (20, 150),
            (500000, 8000000),
            "company",
            (4, 5),
        ),
        T(
            HAZARD,
            "{village}{villager}反映有人组织传销活动",
            "{village}{villager}{surname}某反映其亲属被拉入“消费返利”团队，需缴纳入门费并发展下线，疑似传销，涉及本村{n}人。",
            (3, 20),
            (10000, 300000),
            likelihood=(2, 3),
        ),
    ],
    "environment_projects": [
        T(
            DEMAND,
            "{village}群众反映{company}夜间噪音扰民",
            "{village}{place}群众反映{company}夜间生产设备噪音大，每晚持续到凌晨，严重影响休息，要求停止夜间生产。",
            (3, 30),
            respondent="company",
            likelihood=(2, 4),
            outcome="environment",
        ),
        T(
            DEMAND,
            "{place}附近河道污水排放问题",
            "群众反映{place}附近河道近期水体发黑发臭，怀疑上游企业偷排污水，要求环保部门查处。",
            (2, 20),
            likelihood=(2, 3),
            outcome="environment",
        ),
        T(
            DISPUTE,
            "{village}{villager}反对建设垃圾中转站",
            "{village}拟在{place}附近建设垃圾中转站，{n}余名村民认为选址离居民区太近，担心异味和污染，要求重新选址。",
            (10, 80),
            respondent="organisation",
            likelihood=(3, 4),
        ),
        T(
            DEMAND,
            "{place}餐饮店油烟扰民",
            "{place}居民反映楼下餐饮店油烟直排，未安装油烟净化设施，夏季无法开窗，多次协商无果。",
            (2, 12),
            respondent="person",
            likelihood=(1, 3),
            outcome="environment",
        ),
        T(
            DEMAND,
            "{village}秸秆焚烧烟雾影响群众",
            "{village}{place}有农户露天焚烧秸秆和垃圾，烟雾较大，影响周边群众生活和道路通行。",
            (1, 10),
            likelihood=(1, 3),
        ),
    ],
    "land_requisition": [
        T(
            DISPUTE,
            "{village}{villager}对征地补偿标准有异议",
            "{village}{place}{n}户村民对{project}征地补偿标准有异议，认为青苗费和地上附着物补偿偏低，要求重新评估。",
            (3, 40),
            (50000, 800000),
            "organisation",
            (3, 4),
            outcome="land",
        ),
        T(
            DISPUTE,
            "{village}{villager}{surname}某拆迁安置纠纷",
            "{village}{villager}{surname}某反映其房屋拆迁后安置房迟迟未交付，过渡费已停发{months}个月，要求尽快落实安置。",
            (1, 5),
            (20000, 200000),
            "organisation",
            (2, 3),
        ),
        T(
            DISPUTE,
            "{village}宅基地界址纠纷",
            "{village}{villager}{surname}某与邻居因宅基地界址发生争执，双方各执一词，曾发生推搡，需调解。",
            (2, 6),
            respondent="person",
            likelihood=(2, 3),
            outcome="boundary",
        ),
        T(
            DEMAND,
            "{village}{villager}反映征收土地款分配不公",
            "{village}{n}名村民反映集体土地征收款分配方案未经村民代表大会讨论，外嫁女未分得土地补偿款，要求公开分配方案。",
            (3, 30),
            (30000, 500000),
            "organisation",
            (2, 4),
            outcome="land",
        ),
    ],
    "transport": [
        T(
            HAZARD,
            "{place}路口交通事故隐患",
            "{place}路口缺少信号灯和减速带，近期发生多起交通事故，群众要求增设交通安全设施。",
            (1, 5),
            likelihood=(2, 4),
        ),
        T(
            HAZARD,
            "{village}货车超载超速通行",
            "{village}{place}道路有大量砂石货车超载通行，路面损坏严重，学生上下学存在安全隐患。",
            (2, 20),
            likelihood=(2, 4),
        ),
        T(
            INCIDENT,
            "{place}发生两车相撞交通事故",
            "{date}{place}发生一起两车相撞交通事故，造成{k}人受伤，双方对赔偿责任存在争议。",
            (2, 6),
            (5000, 80000),
            "person",
            (2, 3),
        ),
        T(
            DEMAND,
            "{village}群众反映公交班次减少",
            "{village}群众反映通往县城的公交班次减少，老人和学生出行困难，希望恢复原有班次。",
            (5, 60),
            likelihood=(1, 2),
        ),
    ],
    "extreme_incidents": [
        T(
            HAZARD,
            "{village}{villager}{surname}某扬言报复",
            "{village}{villager}{surname}某因与他人纠纷长期未解决，近日在村内扬言要“同归于尽”，情绪激动，需重点稳控。",
            (1, 2),
            likelihood=(3, 4),
        ),
        T(
            HAZARD,
            "{village}严重精神障碍患者肇事肇祸风险",
            "{village}一名严重精神障碍患者近期停药，多次在{place}与村民发生冲突，家属无力看护，存在肇事肇祸风险。",
            (1, 3),
            likelihood=(3, 4),
        ),
        T(
            INCIDENT,
            "{place}发生持刀伤人事件",
            "{date}{place}因口角发生持刀伤人事件，{k}人受伤送医，嫌疑人已被控制，需做好善后和群众情绪疏导。",
            (2, 5),
            likelihood=(4, 5),
        ),
    ],
    "social_security_wages": [
        T(
            DEMAND,
            "{company}拖欠{n}名农民工工资",
            "{village}{n}名农民工反映在{company}务工，被拖欠{months}个月工资共计{amount}，多次讨薪未果，要求协调支付。",
            (3, 25),
            (20000, 400000),
            "company",
            (3, 4),
            outcome="wages",
        ),
        T(
            DEMAND,
            "务工人员{surname}某反映工资被拖欠",
            "务工人员{surname}某反映在{company}从事{job}工作，公司拖欠其工资{amount}，老板以资金周转困难为由拒付。",
            (1, 2),
            (3000, 30000),
            "company",
            (2, 3),
            outcome="wages",
        ),
        T(
            DEMAND,
            "{village}{villager}反映养老保险待遇问题",
            "{village}{villager}{surname}某反映其养老保险缴费年限计算有误，领取金额偏低，请求核实。",
            (1, 1),
            likelihood=(1, 2),
        ),
        T(
            DEMAND,
            "{village}困难群众申请低保",
            "{village}{villager}{surname}某因病致贫，家庭生活困难，申请纳入低保，希望尽快审核。",
            (1, 4),
            likelihood=(1, 2),
        ),
        T(
            DISPUTE,
            "{company}未缴社保劳动争议",
            "{company}{n}名员工反映公司未依法缴纳社保，也未签订劳动合同，要求补缴并支付经济补偿。",
            (2, 20),
            (10000, 200000),
            "company",
            (2, 3),
            outcome="wages",
        ),
    ],
    "rural_affairs": [
        T(
            DISPUTE,
            "{village}土地承包经营权纠纷",
            "{village}{villager}{surname}某与同组村民因{mu}亩承包地经营权归属发生纠纷，双方对承包合同有争议。",
            (2, 6),
            (0, 20000),
            "person",
            (2, 3),
        ),
        T(
            DISPUTE,
            "{village}土地流转租金拖欠",
            "{village}{n}户农户反映土地流转给{company}后，对方拖欠流转租金{amount}，要求按合同支付。",
            (5, 40),
            (20000, 300000),
            "company",
            (2, 4),
        ),
        T(
            DISPUTE,
            "{village}灌溉用水纠纷",
            "{village}{place}农户因灌溉用水先后顺序发生争执，上下游村民互不相让，影响农时。",
            (2, 15),
            respondent="person",
            likelihood=(2, 3),
        ),
        T(
            DISPUTE,
            "{village}山林界址纠纷",
            "{village}与邻村村民因{place}一片山林界址不清发生纠纷，双方均称拥有林权。",
            (3, 20),
            respondent="organisation",
            likelihood=(2, 3),
            outcome="boundary",
        ),
        T(
            DEMAND,
            "{village}{villager}要求村务公开",
            "{village}{n}名村民反映村集体经济收支和工程项目未按规定公开，要求村务监督委员会公开账目。",
            (3, 20),
            respondent="organisation",
            likelihood=(1, 3),
        ),
        T(
            DEMAND,
            "{village}农户反映购买假劣农资",
            "{village}农户{surname}某反映从{place}农资店购买的种子出芽率低，造成减产约{amount}，要求赔偿。",
            (1, 8),
            (2000, 30000),
            "person",
            (1, 2),
        ),
    ],
    "ethnic_religious": [
        T(
            HAZARD,
            "{village}发现私设聚会点",
            "网格员在{place}发现有人在民房内私设聚会点，每周聚集{n}人左右进行宗教活动，未经登记。",
            (5, 30),
            likelihood=(2, 3),
        ),
        T(
            HAZARD,
            "{village}发现邪教宣传品",
            "{village}{place}发现散发的邪教宣传品{k}份，已收缴，需排查散发人员。",
            (1, 2),
            likelihood=(1, 3),
        ),
        T(
            DISPUTE,
            "{village}寺庙修缮用地纠纷",
            "{village}{villager}对{place}寺庙扩建占用集体土地有意见，与管理人员发生争执。",
            (3, 15),
            respondent="organisation",
            likelihood=(1, 2),
        ),
    ],
    "legal_petitions": [
        T(
            DEMAND,
            "{surname}某反映民事判决执行难",
            "{village}{villager}{surname}某反映其{year}年胜诉的民间借贷案件，法院判决对方支付{amount}，至今未执行到位。",
            (1, 2),
            (10000, 300000),
            "person",
            (2, 3),
        ),
        T(
            DEMAND,
            "{surname}某不服判决申诉",
            "{village}{villager}{surname}某对交通事故赔偿判决不服，认为赔偿金额偏低，多次申诉。",
            (1, 2),
            (20000, 200000),
            likelihood=(2, 3),
        ),
        T(
            DEMAND,
            "{surname}某反映报案后公安未立案",
            "{village}{villager}{surname}某反映其被骗{amount}后向派出所报案，至今未立案，要求给予答复。",
            (1, 1),
            (5000, 100000),
            likelihood=(1, 3),
        ),
    ],
    "health": [
        T(
            DISPUTE,
            "{village}{villager}与卫生院医患纠纷",
            "{village}{villager}{surname}某家属认为{town}卫生院诊治延误导致病情加重，要求赔偿{amount}，情绪激动。",
            (2, 10),
            (20000, 300000),
            "organisation",
            (2, 4),
        ),
        T(
            INCIDENT,
            "{place}疑似食物中毒事件",
            "{date}{place}一场宴席后{n}人出现呕吐腹泻症状，疑似食物中毒，已送医治疗，需调查食品安全原因。",
            (5, 40),
            likelihood=(3, 4),
        ),
        T(
            DEMAND,
            "{place}诊所无证行医",
            "群众反映{place}一家诊所疑似无证行医，存在医疗安全隐患，要求卫生部门查处。",
            (1, 3),
            likelihood=(1, 3),
        ),
        T(
            HAZARD,
            "{village}传染病疫情防控",
            "{village}出现{k}例疑似传染病病例，需开展流行病学调查和环境消杀。",
            (2, 10),
            likelihood=(2, 4),
        ),
    ],
    "petitions": [
        T(
            DEMAND,
            "{surname}某重复信访",
            "{village}{villager}{surname}某因{issue}问题多次到县信访，已重复访{k}次，扬言进京上访，需包案化解。",
            (1, 2),
            likelihood=(3, 4),
        ),
        T(
            DEMAND,
            "{village}{villager}集体访",
            "{village}{n}名村民因{issue}问题到{town}政府集体上访，要求领导接待。",
            (5, 40),
            likelihood=(3, 4),
        ),
        T(
            DEMAND,
            "{surname}某信访事项复查",
            "{village}{villager}{surname}某对{issue}信访事项处理意见不服，申请复查。",
            (1, 2),
            likelihood=(1, 3),
        ),
    ],
    "education": [
        T(
            DEMAND,
            "{village}家长反映子女入学学位问题",
            "{village}{n}名家长反映随迁子女无法在{school}就读，学位紧张，要求协调解决入学。",
            (2, 30),
            likelihood=(2, 3),
        ),
        T(
            DEMAND,
            "{school}校车安全隐患",
            "家长反映{school}接送学生的车辆存在超载情况，车况较差，存在安全隐患。",
            (3, 30),
            likelihood=(2, 4),
        ),
        T(
            DISPUTE,
            "家长与培训机构退费纠纷",
            "{n}名家长反映{place}一家培训机构突然停课，预交学费{amount}无法退还，要求退费。",
            (3, 40),
            (10000, 300000),
            "company",
            (2, 4),
        ),
        T(
            DISPUTE,
            "{school}学生校园伤害纠纷",
            "{school}一名学生在校内受伤，家长与学校就赔偿责任发生纠纷，家长多次到校讨说法。",
            (2, 6),
            (5000, 80000),
            "organisation",
            (2, 3),
        ),
    ],
    "online_opinion": [
        T(
            HAZARD,
            "网络视频反映{village}{issue}问题",
            "抖音出现反映{village}{issue}问题的视频，播放量已超{views}万次，评论区情绪较大，需核实情况并及时回应。",
            (1, 5),
            likelihood=(2, 4),
        ),
        T(
            HAZARD,
            "网帖散布{town}不实信息",
            "微信群和网帖中流传“{town}{rumour}”的谣言，转发量较大，引起群众恐慌，需澄清。",
            (1, 3),
            likelihood=(2, 3),
        ),
        T(
            HAZARD,
            "{town}舆情：{issue}引发网民热议",
            "网民在本地论坛发帖反映{town}{issue}问题，跟帖{posts}余条，存在舆情发酵风险。",
            (1, 3),
            likelihood=(2, 3),
        ),
    ],
}

# The planted surges use their own templates so they read as one developing situation.
SURGE_TEMPLATES: dict[str, list[Template]] = {
    "wage_spring_festival": [
        T(
            DEMAND,
            "{company}春节前拖欠农民工工资",
            "临近春节，{village}{n}名农民工反映{company}拖欠{months}个月工资共计{amount}，老板称工程款未到位，农民工急于回家过年，情绪激动。",
            (5, 40),
            (50000, 600000),
            "company",
            (4, 5),
            outcome="wages",
        ),
        T(
            DEMAND,
            "{n}名工人到{village}村委会讨薪",
            "{company}{n}名工人到{village}村委会反映年底工资未结清，人均被欠{per_head}元，要求春节前全部发放。",
            (5, 30),
            (30000, 400000),
            "company",
            (4, 5),
            outcome="wages",
        ),
        T(
            DEMAND,
            "务工人员{surname}某等反映{company}欠薪",
            "务工人员{surname}某等{n}人反映{company}以年终结算为由拖欠工资{amount}，春节前讨薪无果。",
            (2, 12),
            (10000, 150000),
            "company",
            (3, 4),
            outcome="wages",
        ),
    ],
    "land_project": [
        T(
            DISPUTE,
            "{project}征地补偿引发{village}{villager}不满",
            "{project}公布后，{village}{n}户村民对征地补偿和安置方案不满，认为补偿标准低于周边，要求公开评估报告。",
            (5, 60),
            (100000, 2000000),
            "organisation",
            (3, 5),
            outcome="land",
        ),
        T(
            DISPUTE,
            "{village}{villager}阻挠{project}勘测",
            "{village}{villager}在{place}阻挠{project}勘测定界，要求先谈补偿再进场，现场一度发生争执。",
            (5, 30),
            respondent="organisation",
            likelihood=(4, 5),
            outcome="land",
        ),
        T(
            DISPUTE,
            "{village}青苗费和附着物补偿争议",
            "{village}{place}{n}户农户对{project}地上附着物清点结果有异议，认为苗木数量少算，要求重新清点。",
            (3, 20),
            (30000, 500000),
            "organisation",
            (3, 4),
            outcome="land",
        ),
    ],
    "odour_now": [
        T(
            DEMAND,
            "{village}群众反映{company}异味扰民",
            "{village}{place}群众反映近日{company}排放刺鼻异味，夜间尤其严重，部分老人儿童出现头晕不适，要求停产整改。",
            (5, 60),
            respondent="company",
            likelihood=(4, 5),
            outcome="environment",
        ),
        T(
            DEMAND,
            "{village}{place}夜间异味和噪音",
            "{place}居民反映{company}新上生产线后夜间噪音和化工异味明显，已多次拨打热线，要求环保部门现场监测。",
            (3, 30),
            respondent="company",
            likelihood=(3, 4),
            outcome="environment",
        ),
    ],
}

# How matters end, by kind; templates name a more specific list in ``Template.outcome``.
OUTCOMES: dict[str, list[str]] = {
    DISPUTE: [
        "经{unit}组织调解，双方达成一致意见，已签订调解协议并履行完毕。",
        "经{unit}释法说理、多次协商，双方各让一步，纠纷已化解。",
        "经镇村两级联合调解，双方达成和解，当事人表示认可。",
    ],
    DEMAND: [
        "经{unit}调查核实，已落实合理诉求，当事人表示满意。",
        "已向当事人解释相关政策，按规定办理完毕，当事人表示理解。",
        "{unit}已书面答复当事人并落实相关措施，诉求已解决。",
    ],
    HAZARD: [
        "经{unit}排查处置，隐患已消除，纳入日常巡查。",
        "已落实稳控和防范措施，风险明显降低，持续跟踪。",
        "经多部门联合处置，隐患已整改到位。",
    ],
    INCIDENT: [
        "事件已妥善处置，善后工作落实到位，秩序恢复正常。",
        "经{unit}及时处置，相关人员得到妥善安置，未引发次生事件。",
    ],
    "wages": [
        "经{unit}协调，{company}已足额支付拖欠工资，农民工签字确认。",
        "督促企业分期支付工资，首期已到位，剩余部分已约定支付期限。",
        "已动用农民工工资保证金，拖欠工资全部发放到位。",
    ],
    "land": [
        "经{unit}重新核定，补偿款已补发，村民同意交地。",
        "组织征地补偿政策宣讲会并公开评估报告，村民代表签字认可补偿方案。",
    ],
    "boundary": ["经镇村两级调解，双方对界址达成一致，已重新签订确认书。"],
    "environment": [
        "执法队现场检查，责令企业限期整改并安装降噪/除臭设施，复查达标。",
        "企业调整生产时段，夜间停止高噪声作业，群众表示认可。",
        "环保部门现场监测，结果已向群众公开，企业落实整改措施。",
    ],
}

MEDIATION_SUMMARIES = [
    "调解员分别与双方沟通，释法说理，双方情绪趋于平稳。",
    "召集双方当面协商，明确争议焦点，约定下次继续协商。",
    "邀请村两委和法律顾问参与，依据相关法律规定提出调解方案。",
    "双方就赔偿金额和履行期限基本达成一致，待签订协议。",
]

REJECT_REASONS = [
    "该事项已进入诉讼程序，不属于综治中心受理范围，已告知当事人依法通过诉讼途径解决。",
    "经核实反映情况不属实，已向反映人说明情况。",
    "属于民事合同纠纷，已引导当事人申请仲裁。",
]
ESCALATE_REASONS = [
    "涉及人数较多、跨村协调，镇级难以化解，申请上级协调。",
    "涉及多个部门职责，需县级统筹处置。",
    "当事人情绪激烈，存在越级上访风险，提请上级包案。",
]
RETURN_REASONS = [
    "不属于本单位职责范围，请重新交办。",
    "事项情况不清，需补充核实后再交办。",
]
SUPERVISE_NOTES = [
    "该事项已超期，请责任单位加快办理，三日内报告进展。",
    "请包案领导亲自过问，确保按期化解，防止矛盾激化。",
    "风险等级较高，请每周报告化解进展。",
]
FOLLOW_UP_NOTES = [
    "当事人对处理结果表示认可。",
    "电话回访，当事人表示问题已解决。",
    "上门回访，未发现新的矛盾。",
]
