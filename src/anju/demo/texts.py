"""Filling the demo county's templates (``templates``) with varied details, and fake people and companies.

Places come from the area names; companies, amounts, people counts and dates vary. Descriptions never
contain a full name — people appear as "村民王某" as in real ledgers; the parties' fake names live only in
the encrypted party fields.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from anju.demo.templates import OUTCOMES, Template

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤应楼俞"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红梅兰海燕鹏飞宇浩然文博晓东春林玉凤云龙婷雪辉斌"
)
COMPANY_PREFIX = (
    "金桥 宏达 永盛 恒丰 新民 鑫源 华泰 东升 瑞丰 天成 联发 顺通 大洋 青峰 锦程 万隆 利民 兴旺".split()
)
COMPANY_KIND = {
    "industrial": [
        "五金制品有限公司",
        "机械配件有限公司",
        "纺织有限公司",
        "电子科技有限公司",
        "塑业有限公司",
        "化工有限公司",
        "建筑劳务有限公司",
        "包装材料有限公司",
    ],
    "urban": [
        "建筑工程有限公司",
        "物业管理有限公司",
        "餐饮管理有限公司",
        "装饰工程有限公司",
        "教育咨询有限公司",
        "投资管理有限公司",
    ],
    "rural": ["农业开发有限公司", "生态农业专业合作社", "石材加工厂", "建筑工程有限公司", "养殖专业合作社"],
    "suburban": ["物流有限公司", "建材有限公司", "建筑工程有限公司", "食品有限公司", "农业开发有限公司"],
}
JOBS = ["钢筋", "木工", "泥水", "装卸", "车床", "缝纫", "保洁", "电焊"]
ISSUES = ["征地补偿", "宅基地审批", "拆迁安置", "低保评定", "工伤认定", "山林权属", "村务公开", "医疗纠纷"]
RUMOURS = ["自来水被污染", "学校要撤并", "要建垃圾焚烧厂", "某小区要整体拆迁"]
URBAN_PLACES = [
    "幸福小区",
    "锦绣花园",
    "滨江苑",
    "阳光新村",
    "府前路",
    "解放路",
    "文昌路",
    "人民广场",
    "菜市场",
    "老街",
    "实验小学门口",
]
RURAL_PLACES = [
    "第一村民小组",
    "第三村民小组",
    "第五村民小组",
    "村口",
    "村文化礼堂附近",
    "老街",
    "后山",
    "溪边",
    "村东头",
    "村西头",
    "桥头",
]
SCHOOLS = ["县实验小学", "城关第二小学", "青山镇中心小学", "白沙镇中学", "县第二中学", "中心幼儿园"]


@dataclass(frozen=True)
class FakePerson:
    name: str
    phone: str
    id_number: str


def fake_person(rng: random.Random, year_now: int) -> FakePerson:
    """A fake person. Phones are 1990000xxxx, ID numbers use the fictional region 339901 — both clearly fake."""
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    phone = f"1990000{rng.randrange(10000):04d}"
    born = dt.date(year_now - rng.randint(20, 75), rng.randint(1, 12), rng.randint(1, 28))
    body = f"339901{born:%Y%m%d}{rng.randrange(1000):03d}"
    id_number = body + id_check_char(body)
    return FakePerson(name, phone, id_number)


def id_check_char(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a 17-digit resident ID body (GB 11643)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def company_name(rng: random.Random, profile: str, village: str) -> str:
    prefix = rng.choice(COMPANY_PREFIX + [village[:2]])
    return f"示范县{prefix}{rng.choice(COMPANY_KIND.get(profile, COMPANY_KIND['rural']))}"


def format_amount(yuan: int) -> str:
    return f"{yuan / 10000:.1f}万元" if yuan >= 10000 else f"{yuan}元"


def context(
    rng: random.Random,
    *,
    village: str,
    town: str,
    profile: str,
    when: dt.date,
    people: int,
    amount: int,
    company: str | None = None,
    project: str = "",
) -> dict:
    places = URBAN_PLACES if profile == "urban" else RURAL_PLACES
    return {
        "village": village,
        "villager": "居民" if village.endswith("社区") else "村民",
        "town": town,
        "place": rng.choice(places),
        "company": company or company_name(rng, profile, village),
        "n": people,
        "k": rng.randint(2, 6),
        "amount": format_amount(amount),
        "per_head": f"{max(1000, amount // max(people, 1)):,}",
        "months": rng.randint(2, 8),
        "surname": rng.choice(SURNAMES),
        "year": when.year - rng.randint(1, 6),
        "date": f"{when.month}月{when.day}日",
        "rate": rng.choice((12, 15, 18, 20, 24, 30)),
        "mu": rng.choice((1.5, 2, 3, 4.2, 6, 8)),
        "job": rng.choice(JOBS),
        "issue": rng.choice(ISSUES),
        "rumour": rng.choice(RUMOURS),
        "views": rng.randint(2, 60),
        "posts": rng.choice((60, 120, 200, 350, 800)),
        "school": rng.choice(SCHOOLS),
        "project": project or "县道改造工程",
    }


def render(template: Template, ctx: dict) -> tuple[str, str]:
    return template.title.format(**ctx)[:200], template.description.format(**ctx)


def outcome(rng: random.Random, template: Template, ctx: dict, unit_name: str) -> str:
    options = OUTCOMES[template.outcome or template.kind]
    return rng.choice(options).format(unit=unit_name, company=ctx.get("company", ""))
