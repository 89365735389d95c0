"""Pools of plausible Chinese names for synthetic demo records (no real people or firms)."""
from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢段普字"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "平", "刚", "桂英", "玉兰", "建国", "建华", "志强", "春燕", "海燕", "红梅", "云", "丽萍",
    "晓东", "文", "斌", "琳", "霞", "浩", "宇", "欣", "婷", "鹏", "辉", "萍", "燕", "雪梅", "国华", "永红",
    "家兴", "德明", "光荣", "金凤", "云华", "树林", "绍华", "丽华", "顺昌",
)

# Synthetic community names (“<first><second>社区”): two words of good wishes, so that no
# invented community carries the name of a real place (a neighbouring subdistrict, another
# district, another province). The article's own communities are named in places.py.
COMMUNITY_NAME_FIRSTS = "安康乐祥瑞欣嘉怡宁泰顺丰德仁信雅惠馨"
COMMUNITY_NAME_SECONDS = "苑邻居晖悦源庭和"


def community_names() -> list[str]:
    """Every synthetic community name, in a fixed order (shuffle with the demo's rng)."""
    return [f"{first}{second}社区" for first in COMMUNITY_NAME_FIRSTS for second in COMMUNITY_NAME_SECONDS
            if first != second]

# Parts for synthetic complex names: a stem and a suffix, by kind of housing.
COMPLEX_STEMS = (
    "金色", "春城", "翠湖", "云秀", "和谐", "阳光", "书香", "锦绣", "滇池", "彩云", "东方", "盛世", "碧水",
    "紫薇", "香樟", "玉兰", "海棠", "茶花", "明珠", "福泽", "康乐", "安居", "宏达", "润城", "星河", "湖畔",
    "金港", "银杏", "青竹", "兰亭", "御景", "清华", "雅园", "金碧", "滇秀", "云岭", "翠峰", "怡景", "丽都",
    "宝华", "嘉园", "龙泽", "海伦", "天骄", "金域", "逸景", "聚福", "尚城", "梧桐", "合欢",
)
COMMERCIAL_SUFFIXES = ("花园", "家园", "苑", "名城", "佳园", "丽景", "雅居", "公馆", "新城", "华府")
OLD_STEMS = (
    "电机厂", "纺织厂", "机床厂", "烟草公司", "粮食局", "供销社", "铁路局", "水泥厂", "化工厂", "邮电局",
    "农机厂", "印刷厂", "汽修厂", "食品公司", "百货公司", "建工", "自来水公司", "钢铁厂", "卷烟厂", "物资局",
)
OLD_SUFFIXES = ("宿舍", "家属院", "生活区", "职工小区", "新村")
AFFORDABLE_SUFFIXES = ("公租房小区", "廉租房小区", "安居房小区", "经济适用房小区")

# Synthetic property-service firms (invented names; 巨和物业 is the article's own).
FIRM_STEMS = (
    "春晖", "滇盛", "金碧", "云岭", "明德", "安泰", "瑞祥", "福顺", "恒信", "嘉禾", "华宇", "锦程", "佳和",
    "润泽", "鑫源", "盛景", "顺达", "立达", "宏润", "兴滇", "万和", "诚信", "德源", "康居", "乐邦", "仁和",
    "博远", "聚源", "长和", "同心", "广厦", "民安", "信达", "泰和", "宜居",
)


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def phone(rng) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
