"""Realistic, valid, fictitious customer data for the demo and the benchmarks.

Names are drawn from common Chinese surnames and given-name characters; ID numbers carry a real
region prefix, a plausible birth date and the GB 11643 check digit; mobiles use real prefixes;
bank cards pass Luhn. Nothing here is a real person. Seeded, so runs are repeatable.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from records import validators

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方"]
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞宇浩然子涵欣怡梓轩雨晨"
    "思远嘉怡佳琪文博建国志强海燕春梅晓东丹丹"
)
REGIONS = [
    ("110105", "北京市朝阳区"),
    ("110108", "北京市海淀区"),
    ("310115", "上海市浦东新区"),
    ("440305", "深圳市南山区"),
    ("440106", "广州市天河区"),
    ("330106", "杭州市西湖区"),
    ("510107", "成都市武侯区"),
    ("320106", "南京市鼓楼区"),
]
STREETS = [
    "建国路",
    "中关村大街",
    "世纪大道",
    "科技园南路",
    "天河路",
    "文三路",
    "人民南路",
    "中山路",
]
MOBILE_PREFIXES = [
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "158",
    "186",
    "187",
    "188",
    "177",
    "199",
]
NEEDS = [
    "三居室，近地铁，学区优先",
    "两居室改善，预算内尽量大面积",
    "商铺投资，要求临街",
    "老房翻新，全屋整装，现代简约风格",
    "别墅软装设计，需出效果图",
]


class Samples:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)  # noqa: S311 - fictitious data, not secrets

    def name(self) -> str:
        rng = self.rng
        surname = rng.choice(COMPOUND) if rng.random() < 0.03 else rng.choice(SURNAMES)
        return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def resident_id(self) -> tuple[str, str]:
        """(ID number, region label)."""
        code, label = self.rng.choice(REGIONS)
        born = date(1955, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 48))
        first17 = f"{code}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        return first17 + validators.resident_id_check_digit(first17), label

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def bank_card(self) -> str:
        payload = "622202" + f"{self.rng.randrange(10**12):012d}"
        return payload + validators.luhn_check_digit(payload)

    def person(self, tier: int = 1) -> dict[str, str]:
        """Content whose derived minimum tier is ``tier`` (1, 2 or 3)."""
        ident, region = self.resident_id()
        content = {
            "full_name": self.name(),
            "gender": self.rng.choice(["female", "male"]),
            "address_region": region,
            "needs": self.rng.choice(NEEDS),
        }
        if tier <= 2:
            content |= {
                "mobile": self.mobile(),
                "budget": str(self.rng.randrange(80, 1200) * 10_000),
                "negotiation_notes": "客户希望总价再让 " + str(self.rng.randrange(2, 20)) + " 万",
            }
        if tier == 1:
            content |= {
                "id_number": ident,
                "bank_card": self.bank_card(),
                "address_detail": f"{self.rng.choice(STREETS)}{self.rng.randrange(1, 300)}号"
                f"{self.rng.randrange(1, 30)}号楼{self.rng.randrange(101, 2999)}室",
                "income_band": self.rng.choice(["100k-300k", "300k-1m", "gt1m"]),
            }
        return content
