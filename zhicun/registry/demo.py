"""Demo population (SPEC §0): 大十号村 with its exact figures, the other villages smaller.

Deterministic for a given day (one seeded random.Random per village; ages, visits and moves are
relative to today), idempotent (a village that already has households is left alone) and fast:
everything is written with bulk inserts, so the pinyin keys Person.save() would compute are set
here. One audit row per village records what was loaded.
"""

import datetime
import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from django.utils import timezone

from zhicun.accounts.models import Post, User
from zhicun.accounts.roles import Role
from zhicun.audit.services import audit_record
from zhicun.demo.district import DAISHIHAO, DEMO_REMARK, XIAOSHIHAO
from zhicun.lib.idnumber import make_id_number
from zhicun.lib.pinyin import keys
from zhicun.registry.choices import (
    LIVING,
    Employment,
    HouseholdResidence,
    HouseholdTag,
    HousingSafety,
    MoveKind,
    MoveReason,
    Religion,
    Residence,
    SpecialGroup,
    VisitKind,
)
from zhicun.registry.models import (
    Household,
    Move,
    Person,
    SavedFilter,
    Visit,
    VisitRule,
    age_on,
)
from zhicun.registry.search import PersonFilterForm, query_string
from zhicun.units.models import Kind, Unit


@dataclass(frozen=True)
class VillagePlan:
    code: str
    households: int
    resident_households: int
    persons: int  # registered: residence in ACTIVE
    living: int  # residence in LIVING, all in resident households
    party: int


# 大十号村 is SPEC §0; the others are made up, smaller, with a similar share living there.
PLANS = [
    VillagePlan(DAISHIHAO, 698, 308, 2016, 593, 39),
    VillagePlan(XIAOSHIHAO, 126, 57, 352, 110, 9),
    VillagePlan("150902100201", 148, 79, 421, 160, 11),
    VillagePlan("150902100202", 64, 31, 181, 60, 5),
    VillagePlan("150902101201", 97, 47, 270, 92, 7),
]
REFERENCE = PLANS[0]

# Saved filters shared with 大十号村 by its chief (GET parameters of registry/search.py).
SHARED_FILTERS = [
    (
        "有劳动能力未就业",
        "labour=1&labour=2&employment=none&residence=resident&age_min=18&age_max=59",
    ),
    ("近14天流入人员", None),  # built from today, see recent_inflow_query()
    ("残疾人", "disability=any"),
    ("五保户", "group=wubao"),
    ("60岁以上独居", "age_min=60&group=alone"),
]
KEY_GROUPS = [
    SpecialGroup.WUBAO,
    SpecialGroup.TEKUN,
    SpecialGroup.DISABLED,
    SpecialGroup.EMPTY_NEST,
]

# --- names and places ---------------------------------------------------------------------------

HAN_SURNAMES = (
    "王李张刘赵杨高郭乔武贾韩孙周吴梁冯徐闫任段侯薛白田石邢苏郝陈马霍尚温云康牛樊范崔郑宋杜胡"
)
MONGOL_SURNAMES = "包白云奇韩宝"
HUI_SURNAMES = "马杨李白丁海"
MANCHU_SURNAMES = "关佟赵那金富"

HAN_GIVEN = {
    # (born before, male names, female names)
    1956: (
        "福贵 有才 德胜 玉山 树林 金旺 喜平 满仓 二旦 根成 永福 宝山 万祥 存贵 占元 来喜 "
        "三小 富 贵 财 林 旺",
        "桂兰 秀英 凤英 玉兰 淑珍 翠花 秀兰 桂英 金花 二女 改花 润花 巧英 存女 兰英 玉莲",
    ),
    1976: (
        "建国 建军 国庆 卫东 红军 文斌 海军 志强 永胜 俊峰 二虎 栓柱 保平 志刚 振华 建平 "
        "润生 存良 忠 平 军 明",
        "丽华 红梅 春梅 秀梅 桂芳 翠英 玉梅 美荣 凤琴 俊英 月娥 彩霞 丽萍 红霞 秀珍 丽",
    ),
    1996: (
        "志伟 海东 俊杰 晓东 鹏飞 宏伟 建伟 利军 亮 磊 勇 刚 斌 强 鹏 伟 飞 涛 波 龙",
        "海燕 晓燕 丽娟 美丽 艳 娟 静 敏 芳 燕 晓丽 艳梅 春燕 慧 婷 霞 琳 佳",
    ),
    9999: (
        "浩 宇 鑫 杰 博文 子轩 浩然 宇航 家豪 明轩 一鸣 子豪 天佑 锦程 晨阳 俊熙 思远 泽宇",
        "婷婷 欣怡 雨涵 佳怡 思雨 梦琪 雅琪 慧敏 诗涵 可欣 子涵 一诺 梓萱 雨桐 若曦 嘉怡",
    ),
}
MONGOL_GIVEN = (
    "巴特尔 苏和 额尔敦 宝音 敖其尔 那仁 孟和 朝鲁 吉日嘎拉 哈斯 阿拉坦 毕力格 布和 巴图 "
    "特木尔 格日勒图 达来 呼和 图门 乌力吉 额尔德尼 乌日根 巴雅尔 伊德尔 斯琴巴特尔 宝力道 "
    "那顺 朝克图 满都拉 特古斯 苏日勒 照日格图 巴音 道尔吉 旭日 胡日查 巴图孟和 额日和木",
    "其木格 乌云 萨仁 娜仁花 斯琴 图雅 乌兰 塔娜 高娃 萨日娜 琪琪格 托娅 格日乐 娜仁 "
    "斯日古楞 阿拉坦其其格 萨仁高娃 乌日娜 其其格 阿如娜 苏布达 格根塔娜 敖登 娜日苏 "
    "斯琴高娃 哈斯其其格 吉雅 诺敏 苏日娜 图门其其格 乌仁 额尔敦其木格 那木罕",
)
# Ethnicity of a family (GB/T 3304): mostly 汉族 and 蒙古族, some 回族 and 满族.
ETHNICITY_WEIGHTS = [("01", 80), ("02", 14), ("03", 3), ("11", 3)]

CITIES = [
    ("呼和浩特市", 20),
    ("集宁区", 22),
    ("包头市", 12),
    ("鄂尔多斯市", 8),
    ("北京市", 12),
    ("天津市", 5),
    ("张家口市", 5),
    ("大同市", 5),
    ("石家庄市", 3),
    ("二连浩特市", 3),
    ("崇礼区", 5),
]
NEARBY = ["察哈尔右翼前旗", "卓资县", "丰镇市", "凉城县", "兴和县", "商都县", "化德县", "大同市"]
EMPLOYERS = [
    "建筑工地",
    "物流公司",
    "餐馆",
    "滑雪场",
    "电子厂",
    "装修队",
    "物业公司",
    "汽修厂",
    "超市",
    "快递网点",
    "煤矿",
    "食品厂",
    "保安公司",
    "网约车",
]
LOCAL_EMPLOYERS = ["乡扶贫车间", "养殖基地", "林果采摘园", "村合作社", "乡卫生院", "马铃薯加工厂"]
PUBLIC_POSTS = ["村保洁员", "护林员", "公益岗位（道路养护）", "村务管理员"]
SELF_EMPLOYED = ["小卖部", "农机作业", "肉羊收购", "农家乐", "理发店"]
SCHOOLS_LOCAL = {6: "马莲渠乡中心小学", 12: "集宁区第四中学", 15: "集宁一中"}
SCHOOLS_AWAY = [
    ("内蒙古大学", "呼和浩特市"),
    ("内蒙古师范大学", "呼和浩特市"),
    ("内蒙古农业大学", "呼和浩特市"),
    ("集宁师范学院", "集宁区"),
    ("乌兰察布职业学院", "集宁区"),
    ("包头职业技术学院", "包头市"),
    ("北京交通大学", "北京市"),
]
SKILLS = [
    ("种植", 14),
    ("养殖", 12),
    ("驾驶", 12),
    ("电焊", 6),
    ("瓦工", 7),
    ("厨师", 6),
    ("木工", 3),
    ("电工", 4),
    ("家政", 4),
    ("保安", 3),
    ("挖掘机操作", 3),
    ("农机维修", 3),
    ("缝纫", 2),
    ("育婴", 2),
]
MOBILE_PREFIXES = (
    *range(130, 140),
    147,
    *range(150, 160),
    *range(176, 179),
    *range(180, 190),
    199,
)

FINDINGS = {
    "elder": [
        "老人身体状况稳定，生活用品充足，叮嘱注意防寒保暖。",
        "了解老人用药情况，提醒按时到卫生院复查。",
        "提醒老人办理养老金资格认证，已约好上门认证时间。",
        "检查煤炉和烟囱，提醒预防一氧化碳中毒。",
    ],
    "disabled": [
        "残疾人两项补贴已按时发放，了解康复和辅具需求。",
        "了解残疾证换证情况，说明办理所需材料。",
    ],
    "support": [
        "供养金按月发放到位，房屋安全，冬季取暖煤已备足。",
        "生活基本有保障，已协助申请临时救助。",
    ],
    "child": ["留守儿童由祖父母照看，学习生活正常，已告知学校联系方式。"],
    "routine": [
        "了解家庭种植养殖情况，宣传耕地地力保护补贴政策。",
        "核实家庭人口及外出务工人员信息，无变化。",
        "检查冬季取暖和用电安全，无隐患。",
        "家中人员身体健康，无困难诉求。",
        "了解春耕备耕情况，种子化肥已备齐。",
    ],
    "policy": [
        "宣传城乡居民医保和养老保险缴费政策，已按时缴费。",
        "宣传防范电信网络诈骗知识，发放宣传册。",
        "宣传产业扶持和就业帮扶政策，登记务工意愿。",
    ],
    "epidemic": ["开展疫情排查，家庭成员无发热等症状，已登记返乡人员。"],
    "away": [
        "电话联系户主，核实全家外出务工情况，房屋无人居住。",
        "查看空置房屋，院墙完好，无安全隐患。",
    ],
}
FOLLOW_UPS = [
    "协助办理医保报销",
    "反映院墙倒塌，已报村委会",
    "需要办理残疾证换证，已登记代办",
    "申请危房改造，待乡里鉴定",
    "希望就近务工，已登记就业需求",
]


# What Person.save() would compute; bulk_create bypasses it. Names repeat, so cache.
name_keys = functools.cache(keys)


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _sample_weighted(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k items without replacement, each drawn with probability proportional to its weight."""
    scored = sorted(
        ((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return [items[i] for _, i in scored[:k]]


class Home:
    """A household being built: its members (active and ended) before anything is saved."""

    def __init__(self, resident: bool):
        self.resident = resident
        self.members: list[Person] = []
        self.tags: list[str] = []
        self.hamlet: Unit | None = None
        self.city = ""  # where most of its members who work away are
        self.housing_safety: str | None = None
        self.household: Household | None = None

    @property
    def active(self) -> list[Person]:
        return [p for p in self.members if p.residence not in (Residence.DEAD, Residence.MOVED_OUT)]

    @property
    def living(self) -> list[Person]:
        return [p for p in self.members if p.residence in LIVING]

    @property
    def head(self) -> Person:
        return self.members[0]


class VillageBuilder:
    def __init__(
        self,
        plan: VillagePlan,
        village: Unit,
        today: datetime.date,
        used_ids: set,
        seed: str = "zhicun-demo",
        id_lane: tuple[int, int] = (0, 1),
    ):
        """`id_lane` (k, n): use only the k-th of n disjoint shares of ID sequence numbers, so
        that n builders running side by side never make the same ID number."""
        self.plan = plan
        self.id_lane = id_lane
        self.village = village
        self.today = today
        self.used_ids = used_ids
        self.used_phones: set[str] = set()
        self.rng = random.Random(f"{seed}-{plan.code}")
        self.hamlets = list(Unit.objects.filter(code__startswith=plan.code, kind=Kind.HAMLET))
        self.hamlets.sort(key=lambda u: u.code)
        self.homes: list[Home] = []
        self.moves: list[Move] = []
        self.visits: list[Visit] = []
        self.scale = plan.persons / REFERENCE.persons
        self.staff = self._staff()

    # --- people ---------------------------------------------------------------------------------

    def age(self, p: Person) -> int:
        return age_on(p.birth_date, self.today)

    def birth(self, age: int) -> datetime.date:
        age = max(0, min(age, 100))
        start = self.today.replace(year=self.today.year - age - 1, day=min(self.today.day, 28))
        return min(
            start + datetime.timedelta(days=self.rng.randint(1, 365)),
            self.today - datetime.timedelta(days=1),
        )

    def id_number(self, birth: datetime.date, sex: str) -> str:
        old_place = birth.year < 1995 and self.rng.random() < 0.55
        place = "152601" if old_place else self.village.code[:6]
        lane, lanes = self.id_lane
        while True:
            seq = self.rng.randrange(1000)
            if (seq % 2 == 1) != (sex == "1"):
                seq = (seq + 1) % 1000
            if lanes > 1:  # the pair (seq // 2) picks the lane, the parity the sex
                seq = ((seq // 2) // lanes * lanes + lane) * 2 + seq % 2
                if seq >= 1000:
                    continue
            number = make_id_number(place, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def ethnicity(self) -> str:
        return weighted(self.rng, ETHNICITY_WEIGHTS)

    def surname(self, ethnicity: str, hamlet_index: int) -> str:
        rng = self.rng
        pool = {"02": MONGOL_SURNAMES, "03": HUI_SURNAMES, "11": MANCHU_SURNAMES}.get(ethnicity)
        if pool:
            return rng.choice(pool)
        # Each natural village has a few big families (乔家、武家 …).
        if rng.random() < 0.4:
            local = HAN_SURNAMES[(hamlet_index * 5) % 20 : (hamlet_index * 5) % 20 + 3]
            return rng.choice(local)
        return HAN_SURNAMES[min(int(rng.expovariate(1 / 9)), len(HAN_SURNAMES) - 1)]

    def given_name(self, sex: str, year: int) -> str:
        for until, (male, female) in HAN_GIVEN.items():
            if year < until:
                return self.rng.choice((male if sex == "1" else female).split())
        raise AssertionError(year)

    def name(self, sex: str, year: int, ethnicity: str, surname: str) -> str:
        if ethnicity == "02" and self.rng.random() < 0.45:
            return self.rng.choice(MONGOL_GIVEN[0 if sex == "1" else 1].split())
        return surname + self.given_name(sex, year)

    def person(
        self,
        home: Home,
        relation: str,
        sex: str,
        age: int,
        ethnicity: str,
        surname: str,
    ) -> Person:
        birth = self.birth(age)
        names = {p.name for p in home.members}
        for _ in range(10):
            name = self.name(sex, birth.year, ethnicity, surname)
            if name not in names:
                break
        p = Person(
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=self.id_number(birth, sex),
            ethnicity=ethnicity,
            relation=relation,
            residence=Residence.RESIDENT,
        )
        # Bookkeeping while building, not saved: the family the record belongs to.
        p.family_name = surname
        p.spouse_of = None
        p.parents = []
        home.members.append(p)
        return p

    # --- families -------------------------------------------------------------------------------

    def family(
        self,
        home: Home,
        head_age: int,
        *,
        spouse: bool = True,
        children: int = 0,
        grandkids: int = 0,
        parents: int = 0,
        head_sex: str | None = None,
    ) -> Home:
        """Head, spouse, children, a married child with grandchildren, the head's parents — in
        this order, so trimming from the end keeps the family consistent."""
        rng = self.rng
        hamlet_index = self.hamlets.index(home.hamlet)
        eth = self.ethnicity()
        surname = self.surname(eth, hamlet_index)
        head_sex = head_sex or ("1" if rng.random() < 0.9 else "2")
        other = "2" if head_sex == "1" else "1"
        head = self.person(home, "02", head_sex, head_age, eth, surname)
        sp = None
        if spouse:
            gap = rng.randint(-1, 5)
            sp_age = head_age - gap if head_sex == "1" else head_age + gap
            sp_eth = eth if rng.random() < 0.75 else self.ethnicity()
            sp = self.person(
                home,
                "12" if head_sex == "1" else "11",
                other,
                max(sp_age, 20),
                sp_eth,
                self.surname(sp_eth, hamlet_index + 1),
            )
            head.spouse_of, sp.spouse_of = sp, head
        father = head if head_sex == "1" or sp is None else sp
        minority = [p.ethnicity for p in (head, sp) if p is not None and p.ethnicity != "01"]
        kid_eth = minority[0] if minority and rng.random() < 0.7 else father.ethnicity
        kid_surname = father.family_name
        younger_parent = min(head_age, self.age(sp) if sp else head_age)
        age = younger_parent - rng.randint(21, 30)
        kids = []
        for _ in range(children):
            if age < 0:
                break
            sex = rng.choice("12")
            kid = self.person(home, "20" if sex == "1" else "30", sex, age, kid_eth, kid_surname)
            kid.parents = [p for p in (head, sp) if p is not None]
            kids.append(kid)
            age -= rng.randint(2, 6)
        if grandkids:
            married = [k for k in kids if self.age(k) >= 23]
            married.sort(key=lambda k: (k.sex != "1", -self.age(k)))
            if married:
                child = married[0]
                son = child.sex == "1"
                in_law_age = self.age(child) + (rng.randint(-4, 1) if son else rng.randint(0, 4))
                in_law_eth = kid_eth if rng.random() < 0.8 else self.ethnicity()
                in_law = self.person(
                    home,
                    "38" if son else "28",
                    "2" if son else "1",
                    max(in_law_age, 20),
                    in_law_eth,
                    self.surname(in_law_eth, hamlet_index + 2),
                )
                child.spouse_of, in_law.spouse_of = in_law, child
                g_surname = child.family_name if son else in_law.family_name
                g_age = min(self.age(child), self.age(in_law)) - rng.randint(22, 29)
                for _ in range(grandkids):
                    if g_age < 0:
                        break
                    sex = rng.choice("12")
                    codes = ("41", "42") if son else ("43", "44")
                    g = self.person(
                        home, codes[0] if sex == "1" else codes[1], sex, g_age, kid_eth, g_surname
                    )
                    g.parents = [child, in_law]
                    g_age -= rng.randint(2, 5)
        if parents:
            f_age = head_age + rng.randint(23, 31)
            m_age = f_age - rng.randint(0, 4)
            parent_list = []
            if parents >= 2 and f_age <= 92:
                parent_list.append(("51", "1", f_age))
            if m_age <= 95:
                parent_list.append(("52", "2", m_age))
            made = []
            for relation, sex, a in parent_list:
                p_surname = surname if sex == "1" else self.surname(eth, hamlet_index + 3)
                made.append(self.person(home, relation, sex, a, eth, p_surname))
            if len(made) == 2:
                made[0].spouse_of, made[1].spouse_of = made[1], made[0]
            head.parents = made
        return home

    def new_home(self, resident: bool) -> Home:
        home = Home(resident)
        home.city = weighted(self.rng, CITIES)
        # The first natural village (named after the village) is the biggest.
        weights = [1.6] + [1.0] * (len(self.hamlets) - 1)
        home.hamlet = self.rng.choices(self.hamlets, weights=weights)[0]
        return home

    def resident_home(self) -> Home:
        rng = self.rng
        profile = weighted(
            rng,
            [
                ("elder_alone", 17),
                ("elder_couple", 35),
                ("elder_grandkids", 9),
                ("middle", 24),
                ("bachelor", 7),
                ("young", 8),
            ],
        )
        home = self.new_home(True)
        if profile == "elder_alone":
            head_sex = "2" if rng.random() < 0.55 else "1"
            self.family(
                home,
                rng.randint(64, 92),
                spouse=False,
                children=weighted(rng, [(0, 55), (1, 30), (2, 15)]),
                head_sex=head_sex,
            )
            if rng.random() < 0.2:
                self.dead_spouse(home)
        elif profile == "elder_couple":
            self.family(
                home, rng.randint(60, 86), children=weighted(rng, [(0, 45), (1, 32), (2, 23)])
            )
            if rng.random() < 0.05:
                self.moved_out_daughter(home)
        elif profile == "elder_grandkids":
            self.family(
                home,
                rng.randint(56, 74),
                spouse=rng.random() < 0.85,
                children=1,
                grandkids=rng.randint(1, 2),
            )
        elif profile == "middle":
            self.family(
                home,
                rng.randint(42, 59),
                spouse=rng.random() < 0.95,
                children=weighted(rng, [(1, 35), (2, 45), (3, 20)]),
                parents=weighted(rng, [(0, 70), (1, 20), (2, 10)]),
            )
            if rng.random() < 0.06:
                self.moved_out_daughter(home)
        elif profile == "bachelor":
            head_age = rng.randint(40, 68)
            self.family(
                home,
                head_age,
                spouse=False,
                head_sex="1",
                parents=1 if head_age < 60 and rng.random() < 0.4 else 0,
            )
        else:
            self.family(
                home,
                rng.randint(28, 41),
                children=rng.randint(1, 2),
                parents=weighted(rng, [(0, 50), (1, 30), (2, 20)]),
            )
        self.resident_residence(home)
        return home

    def away_home(self, size: int) -> Home:
        rng = self.rng
        if size == 1:
            kind = weighted(rng, [("young", 55), ("middle", 30), ("old", 15)])
            head_age = {"young": (20, 39), "middle": (40, 59), "old": (60, 80)}[kind]
            home = self.new_home(False)
            self.family(home, rng.randint(*head_age), spouse=False, head_sex="1")
        elif size <= 4:
            home = self.new_home(False)
            head_age = rng.randint(24 + 4 * size, 58)
            self.family(home, head_age, children=size, spouse=rng.random() < 0.92)
        else:
            home = self.new_home(False)
            self.family(home, rng.randint(50, 66), children=2, grandkids=size, parents=1)
        while len(home.members) > size:
            home.members.pop()
        while len(home.members) < size:
            head = home.head
            age = self.age(head) - rng.randint(22, 30)
            sex = rng.choice("12")
            if age < 0:
                self.person(
                    home,
                    "73" if sex == "1" else "77",
                    sex,
                    self.age(head) - 3,
                    head.ethnicity,
                    head.family_name,
                )
            else:
                kid = self.person(
                    home, "20" if sex == "1" else "30", sex, age, head.ethnicity, head.family_name
                )
                kid.parents = [head]
        for p in home.members:
            if p.spouse_of is not None and p.spouse_of not in home.members:
                p.spouse_of = None
        for p in home.members:
            age = self.age(p)
            if age <= 18 or (age <= 22 and rng.random() < 0.7):
                p.residence = Residence.AWAY_STUDY
            else:
                p.residence = Residence.AWAY_WORK
        return home

    def dead_spouse(self, home: Home) -> None:
        head = home.head
        sex = "2" if head.sex == "1" else "1"
        sp = self.person(
            home,
            "12" if sex == "2" else "11",
            sex,
            self.age(head) + self.rng.randint(-3, 4),
            head.ethnicity,
            self.surname(head.ethnicity, 0),
        )
        sp.residence = Residence.DEAD
        sp.died_on = self.today - datetime.timedelta(days=self.rng.randint(200, 3600))
        sp.marital = "21"
        head.marital = "30"

    def moved_out_daughter(self, home: Home) -> None:
        head = home.head
        age = self.age(head) - self.rng.randint(22, 28)
        if age < 22:
            return
        d = self.person(home, "30", "2", age, head.ethnicity, head.family_name)
        d.residence = Residence.MOVED_OUT
        d.moved_out_on = self.today - datetime.timedelta(days=self.rng.randint(120, 2500))
        d.marital = "21"

    def resident_residence(self, home: Home) -> None:
        """Who of a resident household actually lives there: the old and the small children;
        most of the young are away working or at school."""
        rng = self.rng
        for p in home.active:
            age = self.age(p)
            core = p.relation in ("02", "11", "12")
            if age >= 60 or age < 12:
                p.residence = Residence.RESIDENT
            elif age < 16:
                p.residence = Residence.RESIDENT if rng.random() < 0.75 else Residence.AWAY_STUDY
            elif age <= 22:
                r = rng.random()
                p.residence = (
                    Residence.AWAY_STUDY
                    if r < 0.65
                    else Residence.AWAY_WORK
                    if r < 0.9
                    else Residence.RESIDENT
                )
            elif core:
                away = rng.random() < (0.45 if age < 45 else 0.25)
                p.residence = Residence.AWAY_WORK if away else Residence.RESIDENT
            else:
                away = rng.random() < (0.85 if age < 45 else 0.7)
                p.residence = Residence.AWAY_WORK if away else Residence.RESIDENT
        self.ensure_adult_home(home)

    def ensure_adult_home(self, home: Home) -> None:
        if not any(self.age(p) >= 18 for p in home.living):
            adults = [p for p in home.active if self.age(p) >= 18] or home.active
            adults.sort(
                key=lambda p: (p.sex != "2" or p.relation not in ("12", "38"), -self.age(p))
            )
            adults[0].residence = Residence.RESIDENT

    # --- exact figures --------------------------------------------------------------------------

    def build_homes(self) -> None:
        plan, rng = self.plan, self.rng
        resident = [self.resident_home() for _ in range(plan.resident_households)]
        self.adjust_living(resident)
        in_resident = sum(len(h.active) for h in resident)
        away_count = plan.households - plan.resident_households
        sizes = [
            weighted(rng, [(1, 24), (2, 26), (3, 28), (4, 15), (5, 5), (6, 2)])
            for _ in range(away_count)
        ]
        target = plan.persons - in_resident
        if not away_count <= target <= 6 * away_count:
            raise RuntimeError(f"{plan.code}: cannot place {target} persons in {away_count} homes")
        while sum(sizes) != target:
            i = rng.randrange(away_count)
            if sum(sizes) < target and sizes[i] < 6:
                sizes[i] += 1
            elif sum(sizes) > target and sizes[i] > 1:
                sizes[i] -= 1
        away = [self.away_home(size) for size in sizes]
        self.homes = resident + away
        rng.shuffle(self.homes)

    def adjust_living(self, homes: list[Home]) -> None:
        """Flip working-age adults between living there and working away until the living count
        is exactly the plan's."""
        rng = self.rng
        living = sum(len(h.living) for h in homes)
        target = self.plan.living
        working_age = [(h, p) for h in homes for p in h.active if 18 <= self.age(p) <= 59]
        rng.shuffle(working_age)
        for h, p in working_age:
            if living == target:
                break
            if living > target and p.residence == Residence.RESIDENT:
                others = [q for q in h.living if q is not p and self.age(q) >= 18]
                if others:
                    p.residence = Residence.AWAY_WORK
                    living -= 1
            elif living < target and p.residence == Residence.AWAY_WORK:
                p.residence = Residence.RESIDENT
                living += 1
        if living != target:
            raise RuntimeError(f"{self.plan.code}: {living} living, plan says {target}")

    # --- attributes -----------------------------------------------------------------------------

    def fill_person(self, p: Person, home: Home) -> None:
        rng = self.rng
        age = self.age(p)
        year = p.birth_date.year
        p.political = "13"
        # Health first: labour and employment follow from it.
        chronic, serious = (
            (0.02, 0.01)
            if age < 40
            else (0.1, 0.02)
            if age < 60
            else (0.3, 0.04)
            if age < 75
            else (0.45, 0.05)
        )
        r = rng.random()
        p.health = "3" if r < serious else "2" if r < serious + chronic else "1"
        if p.health == "3" and self.working_away(p):
            p.health = "2"
        p.education = self.education(p, age, year)
        if not p.marital:
            p.marital = self.marital(p, age)
        p.religion = self.religion(p.ethnicity, age)
        if 14 <= age <= 28 and rng.random() < 0.3:
            p.political = "03"
        has_phone = 0.85 if 18 <= age < 70 else 0.35 if age >= 70 else 0.3 if age >= 14 else 0
        if rng.random() < has_phone:
            p.phone = self.phone()
        p.medical_insurance = rng.random() < 0.97
        if age >= 60:
            p.pension_receiving = rng.random() < 0.95
            p.pension_insurance = p.pension_receiving or rng.random() < 0.5
            if p.pension_receiving and p.residence not in (Residence.DEAD, Residence.MOVED_OUT):
                # Certification is yearly: most within the past year, some now due.
                days = rng.randint(0, 364) if rng.random() < 0.9 else rng.randint(365, 420)
                p.pension_certified_on = self.today - datetime.timedelta(days=days)
        elif age >= 16 and p.residence != Residence.AWAY_STUDY:
            p.pension_insurance = rng.random() < 0.82

    def work(self, p: Person, home: Home) -> None:
        """Skills, labour capacity and employment, consistent with age, health and residence."""
        rng = self.rng
        age = self.age(p)
        p.skills = []
        student = p.residence == Residence.AWAY_STUDY or (6 <= age < 16)
        if 18 <= age <= 59 and not student:
            chance = 0.5 if p.residence == Residence.AWAY_WORK else 0.3
            if rng.random() < chance:
                p.skills = list(
                    dict.fromkeys(weighted(rng, SKILLS) for _ in range(rng.randint(1, 2)))
                )
        if p.disability_grade in ("1", "2") or p.health == "3":
            p.labour = "4"
        elif p.disability_grade in ("3", "4"):
            p.labour = "3"
        elif age < 16 or student:
            p.labour = "5"
        elif age >= 75:
            p.labour = "4"
        elif age >= 65 or (age >= 60 and rng.random() < 0.6) or (p.health == "2" and age >= 45):
            p.labour = "3"
        else:
            p.labour = "2" if p.skills else "1"

        if p.residence == Residence.AWAY_STUDY:
            if age >= 18:
                p.employer, p.work_place = rng.choice(SCHOOLS_AWAY)
            else:
                # Boarding at the district's schools, or with their parents in town.
                p.work_place = "集宁区" if home.resident else home.city
            p.employment = Employment.STUDENT if age >= 6 else Employment.NONE
        elif p.residence == Residence.AWAY_WORK:
            partner = p.spouse_of
            if partner is not None and partner.residence == Residence.AWAY_WORK:
                # Couples work in the same town; most of a family in the same one.
                p.work_place = partner.work_place or home.city
            else:
                p.work_place = home.city if rng.random() < 0.6 else weighted(rng, CITIES)
            if not self.working_away(p):
                p.employment = Employment.NONE
                p.notes = "随子女在外居住"
            else:
                p.employment = Employment.MIGRANT
                p.employer = rng.choice(EMPLOYERS)
        elif age < 6:
            p.employment = Employment.NONE
        elif age < 16 or (age <= 18 and student):
            p.employment = Employment.STUDENT
            p.employer = next(s for a, s in sorted(SCHOOLS_LOCAL.items(), reverse=True) if age >= a)
        elif p.labour in ("4", "5"):
            p.employment = Employment.NONE
        elif age >= 65:
            p.employment = (
                Employment.FARMING if age <= 72 and rng.random() < 0.4 else Employment.NONE
            )
        else:
            p.employment = weighted(
                rng,
                [
                    (Employment.FARMING, 58),
                    (Employment.LOCAL, 10),
                    (Employment.SELF, 6),
                    (Employment.PUBLIC_POST, 4),
                    (Employment.NONE, 20),
                    (Employment.RETIRED, 2 if age >= 55 else 0),
                ],
            )
            if p.employment == Employment.LOCAL:
                p.employer = rng.choice(LOCAL_EMPLOYERS)
                p.work_place = "马莲渠乡"
            elif p.employment == Employment.SELF:
                p.employer = rng.choice(SELF_EMPLOYED)
                p.work_place = "本村"
            elif p.employment == Employment.PUBLIC_POST:
                p.employer = rng.choice(PUBLIC_POSTS)
                p.work_place = "本村"
            elif (
                p.employment == Employment.FARMING and "种植" not in p.skills and rng.random() < 0.2
            ):
                p.skills = [*p.skills, rng.choice(["种植", "养殖"])]

    def working_away(self, p: Person) -> bool:
        return p.residence == Residence.AWAY_WORK and self.age(p) < 60

    def education(self, p: Person, age: int, year: int) -> str:
        rng = self.rng
        if age < 6:
            return ""
        if p.residence == Residence.AWAY_STUDY or age < 18:
            if age < 12:
                return "80"
            if age < 15:
                return "70"
            if age < 18:
                return "60" if rng.random() < 0.7 else "40"
            return "20" if rng.random() < 0.5 else "30"
        if year < 1950:
            table = [("90", 35), ("83", 25), ("81", 30), ("71", 10)]
        elif year < 1966:
            table = [("90", 6), ("81", 42), ("71", 40), ("61", 12)]
        elif year < 1981:
            table = [("81", 20), ("71", 55), ("61", 15), ("47", 5), ("31", 5)]
        else:
            table = [("71", 40), ("61", 20), ("47", 8), ("44", 7), ("31", 15), ("21", 10)]
        return weighted(rng, table)

    def marital(self, p: Person, age: int) -> str:
        rng = self.rng
        if p.spouse_of is not None:
            code = p.spouse_of.marital or weighted(rng, [("21", 85), ("20", 8), ("22", 7)])
            return code
        if age < 20:
            return "10"
        if p.relation in ("51", "52", "02") and age >= 60:
            return "30" if rng.random() < 0.85 else "10"
        if p.relation == "02" and age >= 35:
            return "40" if rng.random() < 0.35 else "10"
        if age < 28:
            return "10" if rng.random() < 0.85 else "21"
        return weighted(rng, [("10", 35), ("21", 50), ("40", 15)])

    def religion(self, ethnicity: str, age: int) -> str:
        r = self.rng.random()
        if ethnicity == "03":
            return Religion.ISLAM if r < 0.9 else Religion.NONE
        if ethnicity == "02" and age >= 40:
            return Religion.BUDDHISM if r < 0.25 else Religion.NONE
        if r < 0.03:
            return Religion.BUDDHISM
        if r < 0.05:
            return Religion.CATHOLIC
        if r < 0.06:
            return Religion.CHRISTIAN
        return Religion.NONE

    def disabilities(self, active: list[Person]) -> None:
        rng = self.rng
        count = round(len(active) * 0.035)
        weights = [(2.5 if p.residence in LIVING else 1) * (1 + self.age(p) / 25) for p in active]
        for p in _sample_weighted(rng, active, weights, count):
            p.health = "4"
            p.disability_category = weighted(
                rng, [("4", 45), ("1", 12), ("2", 12), ("3", 3), ("5", 10), ("6", 10), ("7", 8)]
            )
            grades = [("1", 10), ("2", 20), ("3", 35), ("4", 35)]
            # Those working away can work: only the milder grades.
            p.disability_grade = weighted(rng, grades[2:] if self.working_away(p) else grades)
            # Second-generation certificate: ID number + category + grade.
            p.disability_cert = p.id_number + p.disability_category + p.disability_grade
            p.groups = [*p.groups, SpecialGroup.DISABLED]

    def groups(self, home: Home) -> None:
        if not home.resident:
            return
        living = home.living
        for p in living:
            age = self.age(p)
            if age >= 60:
                if all(self.age(q) >= 60 for q in living):
                    p.groups = [*p.groups, SpecialGroup.EMPTY_NEST]
                if len(living) == 1:
                    p.groups = [*p.groups, SpecialGroup.ALONE]
                elif any(
                    q.residence == Residence.AWAY_WORK and q.relation not in ("02", "11", "12")
                    for q in home.active
                ):
                    p.groups = [*p.groups, SpecialGroup.LEFT_ELDER]
            elif age < 16 and p.parents and all(q.residence not in LIVING for q in p.parents):
                p.groups = [*p.groups, SpecialGroup.LEFT_CHILD]
            elif (
                p.sex == "2"
                and 20 <= age <= 59
                and p.spouse_of is not None
                and p.spouse_of.residence == Residence.AWAY_WORK
            ):
                p.groups = [*p.groups, SpecialGroup.LEFT_WOMAN]

    def support(self) -> None:
        """五保, 特困, 低保, 脱贫户, 监测户, 退役军人, 军属: few, on the homes they fit."""
        rng, scale = self.rng, self.scale
        resident = [h for h in self.homes if h.resident]
        taken: set[int] = set()

        def tag(home, tag_value, group=None, persons=None):
            home.tags.append(tag_value)
            taken.add(id(home))
            for p in persons if persons is not None else home.living:
                if group:
                    p.groups = [*p.groups, group]

        lonely = [
            h
            for h in resident
            if len(h.active) == 1 and self.age(h.head) >= 60 and h.head.marital in ("10", "30")
        ]
        for h in rng.sample(lonely, min(len(lonely), max(1, round(5 * scale)))):
            tag(h, HouseholdTag.WUBAO, SpecialGroup.WUBAO)
            h.head.labour = "4" if self.age(h.head) >= 70 else "3"
            h.head.employment = Employment.NONE
            h.housing_safety = HousingSafety.SAFE
        severe = [
            h
            for h in resident
            if id(h) not in taken
            and len(h.active) <= 2
            and any(p.labour == "4" and self.age(p) < 75 for p in h.living)
        ]
        for h in rng.sample(severe, min(len(severe), max(1, round(4 * scale)))):
            tag(
                h,
                HouseholdTag.TEKUN,
                SpecialGroup.TEKUN,
                [p for p in h.living if p.labour == "4" and self.age(p) < 75],
            )
        needy = [
            h for h in resident if id(h) not in taken and any(p.health != "1" for p in h.living)
        ]
        for h in rng.sample(needy, min(len(needy), round(len(resident) * 0.06))):
            tag(h, HouseholdTag.DIBAO, SpecialGroup.DIBAO)
        for h in rng.sample(self.homes, round(len(self.homes) * 0.09)):
            h.tags.append(HouseholdTag.TUOPIN)
            h.housing_safety = HousingSafety.SAFE
        free = [h for h in resident if id(h) not in taken]
        for h in rng.sample(free, max(1, round(len(resident) * 0.02))):
            tag(h, HouseholdTag.JIANCE, SpecialGroup.MONITORED)
        men = [
            p
            for h in self.homes
            for p in h.active
            if p.sex == "1" and 35 <= self.age(p) <= 75 and p.labour != "5"
        ]
        for p in rng.sample(men, max(1, round(10 * scale))):
            p.groups = [*p.groups, SpecialGroup.VETERAN]
            if p.education in ("90", "83", "81"):
                p.education = "71"
        soldiers = [
            (h, p)
            for h in resident
            for p in h.active
            if p.sex == "1"
            and 19 <= self.age(p) <= 24
            and p.relation in ("20", "41")
            and p.residence == Residence.AWAY_WORK
        ]
        for h, p in rng.sample(soldiers, min(len(soldiers), max(1, round(2 * scale)))):
            p.employment = Employment.OTHER
            p.employer = "中国人民解放军某部"
            p.work_place = "部队"
            p.notes = "现役军人"
            p.labour = "1"
            h.tags.append(HouseholdTag.JUNLIE)

    def party(self, active: list[Person]) -> None:
        """Exactly the plan's number of party members: mostly older men living in the village."""
        adults = [p for p in active if self.age(p) >= 20]
        weights = []
        for p in adults:
            age, male, living = self.age(p), p.sex == "1", p.residence in LIVING
            w = 0.3
            if living and age >= 45:
                w = 6 if male else 2
            elif 23 <= age < 45:
                w = 1.5 if male else 0.8
            if SpecialGroup.VETERAN in p.groups:
                w *= 4
            weights.append(w)
        members = _sample_weighted(self.rng, adults, weights, self.plan.party)
        members.sort(key=self.age)
        probation = max(1, round(self.plan.party * 0.06))
        for i, p in enumerate(members):
            p.political = "02" if i < probation and self.age(p) < 45 else "01"

    def household_fields(self, home: Home, number: str) -> Household:
        rng = self.rng
        hamlet = home.hamlet
        if home.resident:
            residence = HouseholdResidence.RESIDENT
        elif len(home.active) <= 2 and rng.random() < 0.45:
            residence = HouseholdResidence.NOMINAL
        else:
            residence = HouseholdResidence.AWAY
        per_head = rng.uniform(3.5, 8)
        land = round(per_head * len(home.active) * 2) / 2
        if residence == HouseholdResidence.NOMINAL and rng.random() < 0.4:
            land = 0
        safety = home.housing_safety or weighted(
            rng,
            [
                (HousingSafety.SAFE, 55),
                (HousingSafety.BASIC, 33),
                (HousingSafety.C, 3),
                (HousingSafety.D, 1),
                (HousingSafety.UNKNOWN, 8 if home.resident else 40),
            ],
        )
        phones = [p.phone for p in home.active if p.phone and self.age(p) >= 18]
        head_phone = home.head.phone or (phones[0] if phones else "")
        notes = ""
        if residence == HouseholdResidence.NOMINAL:
            notes = "空挂户：户籍在本村，人常年不在村居住"
        elif residence == HouseholdResidence.AWAY:
            notes = f"全家在{home.head.work_place or '外地'}"
        lat = lon = None
        if rng.random() < (0.9 if home.resident else 0.4):
            base_lat, base_lon = self.hamlet_centre[hamlet.code]
            lat = Decimal(f"{base_lat + rng.uniform(-0.004, 0.004):.6f}")
            lon = Decimal(f"{base_lon + rng.uniform(-0.005, 0.005):.6f}")
        return Household(
            number=number,
            hamlet=hamlet,
            address=f"{self.village.parent.name}{self.village.name}{hamlet.name}{number[-3:].lstrip('0')}号",
            residence=residence,
            land_area=Decimal(str(land)),
            housing_safety=safety,
            phone=head_phone,
            tags=list(dict.fromkeys(home.tags)),
            latitude=lat,
            longitude=lon,
            notes=notes,
        )

    # --- moves and visits -----------------------------------------------------------------------

    def _staff(self) -> dict[str, list[tuple[User, int]]]:
        """Who visits each hamlet: its collector and grid manager (the chief where none)."""
        weight = {Role.COLLECTOR: 5, Role.MANAGER: 3, Role.CHIEF: 1}
        posts = list(
            Post.objects.filter(unit__code__startswith=self.plan.code, role__in=list(weight))
            .select_related("user", "unit")
            .order_by("unit__code", "user__username")
        )
        staff = {}
        for hamlet in self.hamlets:
            mine = [p for p in posts if hamlet.code.startswith(p.unit.code)]
            field = [p for p in mine if p.role != Role.CHIEF] or mine
            staff[hamlet.code] = [(p.user, weight[p.role]) for p in field]
        return staff

    def recorder(self, person: Person) -> User | None:
        staff = self.staff.get(person.hamlet.code)
        return weighted(self.rng, staff) if staff else None

    def move(self, person, kind, date, reason, **fields) -> None:
        by = self.recorder(person)
        if by is not None:
            self.moves.append(
                Move(person=person, kind=kind, date=date, reason=reason, recorded_by=by, **fields)
            )

    def days_ago(self, lo: int, hi: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(lo, hi))

    def make_moves(self) -> None:
        rng, scale = self.rng, self.scale
        resident = [h for h in self.homes if h.resident]
        active = [p for h in self.homes for p in h.active]
        moved: set[int] = set()

        def pick(candidates, n):
            chosen = rng.sample(candidates, min(len(candidates), n))
            moved.update(id(p) for p in chosen)
            return chosen

        # Came in: wives and husbands who married into the village or joined their family here.
        in_laws = [
            p
            for h in resident
            for p in h.living
            if p.relation in ("38", "28", "11", "12") and 20 <= self.age(p) <= 55
        ]
        recent_in = max(1, round(4 * scale))
        for i, p in enumerate(pick(in_laws, recent_in + round(3 * scale))):
            p.residence = Residence.INFLOW
            reason = MoveReason.MARRIAGE if p.relation in ("38", "28") else MoveReason.FAMILY
            date = self.days_ago(1, 28) if i < recent_in else self.days_ago(40, 700)
            self.move(
                p, MoveKind.IN, date, reason, from_place=rng.choice(NEARBY), note="随家人来村居住"
            )
        # Came back from work in town.
        home_again = [
            p
            for h in resident
            for p in h.living
            if p.residence == Residence.RESIDENT
            and 20 <= self.age(p) <= 55
            and id(p) not in moved
            and p.relation != "02"
        ]
        for p in pick(home_again, max(1, round(3 * scale))):
            city = weighted(rng, CITIES)
            back = self.days_ago(1, 28)
            self.move(
                p,
                MoveKind.OUT,
                back - datetime.timedelta(days=rng.randint(300, 1100)),
                MoveReason.WORK,
                to_place=city,
            )
            self.move(p, MoveKind.RETURN, back, MoveReason.WORK, from_place=city, note="务工返乡")
        # Went out.
        workers = [
            p
            for p in active
            if p.residence == Residence.AWAY_WORK
            and p.employment == Employment.MIGRANT
            and id(p) not in moved
        ]
        for p in pick(workers, max(1, round(6 * scale))):
            self.move(
                p,
                MoveKind.OUT,
                self.days_ago(1, 28),
                MoveReason.WORK,
                to_place=p.work_place,
                expected_return=self.today + datetime.timedelta(days=rng.randint(60, 240)),
                note=f"到{p.employer}务工",
            )
        students = [p for p in active if p.residence == Residence.AWAY_STUDY and self.age(p) >= 18]
        for p in pick(students, max(1, round(1 * scale))):
            self.move(
                p, MoveKind.OUT, self.days_ago(1, 28), MoveReason.STUDY, to_place=p.work_place
            )
        # Older departures, from the year the person turned 16 at the earliest.
        for p in active:
            if p.residence not in (Residence.AWAY_WORK, Residence.AWAY_STUDY):
                continue
            if id(p) in moved or rng.random() > 0.35:
                continue
            earliest = max((self.today - p.birth_date).days - 16 * 365, 31)
            if earliest <= 31:
                continue
            days = rng.randint(31, min(earliest, 6 * 365))
            reason = MoveReason.STUDY if p.residence == Residence.AWAY_STUDY else MoveReason.WORK
            self.move(
                p,
                MoveKind.OUT,
                self.today - datetime.timedelta(days=days),
                reason,
                to_place=p.work_place or "外地",
            )
        for h in self.homes:
            for p in h.members:
                if p.residence == Residence.MOVED_OUT:
                    self.move(
                        p,
                        MoveKind.OUT,
                        p.moved_out_on,
                        MoveReason.MARRIAGE,
                        to_place=rng.choice(NEARBY),
                        note="婚嫁，户籍迁出",
                    )

    def make_visits(self) -> None:
        """About 70 % of resident households visited within the last 90 days; key households
        first and most recently; a few away households checked by phone."""
        rng = self.rng
        resident = [h for h in self.homes if h.resident]

        def is_key(h):
            return any(g in p.groups for p in h.living for g in KEY_GROUPS)

        order = sorted(resident, key=lambda h: (not is_key(h) or rng.random() < 0.1, rng.random()))
        covered = set(map(id, order[: round(len(resident) * 0.70)]))
        for h in resident:
            if id(h) in covered:
                last = self.days_ago(0, 35) if is_key(h) else self.days_ago(0, 85)
            elif rng.random() < 0.6:
                last = self.days_ago(100, 400)
            else:
                continue
            dates = [last]
            for _ in range(rng.randint(0, 2)):
                dates.append(dates[-1] - datetime.timedelta(days=rng.randint(20, 120)))
            for i, day in enumerate(dates):
                self.visit(h, day, key=is_key(h) and i == 0)
        for h in self.homes:
            if not h.resident and rng.random() < 0.15:
                self.visit(h, self.days_ago(30, 300), away=True)

    def visit(self, home: Home, day: datetime.date, *, key=False, away=False) -> None:
        rng = self.rng
        staff = self.staff.get(home.hamlet.code)
        if not staff:
            return
        if away:
            kind, topic = VisitKind.ROUTINE, "away"
        elif key:
            kind = VisitKind.KEY
            groups = {g for p in home.living for g in p.groups}
            topic = (
                "support"
                if groups & {SpecialGroup.WUBAO, SpecialGroup.TEKUN, SpecialGroup.DIBAO}
                else "disabled"
                if SpecialGroup.DISABLED in groups
                else "child"
                if SpecialGroup.LEFT_CHILD in groups
                else "elder"
            )
        else:
            kind = weighted(
                rng, [(VisitKind.ROUTINE, 70), (VisitKind.POLICY, 22), (VisitKind.EPIDEMIC, 8)]
            )
            topic = kind if kind != VisitKind.ROUTINE else "routine"
            if kind == VisitKind.ROUTINE and all(self.age(p) >= 60 for p in home.living):
                topic = "elder"
        self.visits.append(
            Visit(
                household=home.household,
                visitor=weighted(rng, staff),
                date=day,
                kind=kind,
                findings=rng.choice(FINDINGS[topic]),
                follow_up=rng.choice(FOLLOW_UPS) if rng.random() < 0.08 else "",
            )
        )
        h = home.household
        if h.last_visited_on is None or h.last_visited_on < day:
            h.last_visited_on = day

    # --- putting it together --------------------------------------------------------------------

    def compose(self) -> dict:
        """The village's households, persons, moves and visits as unsaved rows, and a summary."""
        rng = self.rng
        self.hamlet_centre = {
            h.code: (40.93 + rng.uniform(0, 0.12), 113.0 + rng.uniform(0, 0.16))
            for h in self.hamlets
        }
        self.build_homes()
        active = [p for h in self.homes for p in h.active]
        for h in self.homes:
            for p in h.members:
                self.fill_person(p, h)
        self.disabilities(active)
        for h in self.homes:
            for p in h.members:
                self.work(p, home=h)
            self.groups(h)
        self.support()
        self.party(active)

        next_seq = dict.fromkeys((u.code for u in self.hamlets), 0)
        self.homes.sort(key=lambda h: h.hamlet.code)
        households = []
        for h in self.homes:
            next_seq[h.hamlet.code] += 1
            h.household = self.household_fields(h, f"{h.hamlet.code}{next_seq[h.hamlet.code]:04d}")
            households.append(h.household)
            for p in h.members:
                p.hamlet = h.hamlet
                p.household = h.household
                p.name_pinyin, p.name_initials = name_keys(p.name)
        self.make_moves()
        self.make_visits()
        persons = [p for h in self.homes for p in h.members]
        living_homes = [h for h in self.homes if h.resident]
        self.rows = {
            "households": households,
            "persons": persons,
            "moves": self.moves,
            "visits": self.visits,
        }
        return {
            "households": len(self.homes),
            "persons": len(active),
            "living_households": len(living_homes),
            "living_persons": sum(len(h.living) for h in living_homes),
            "party_members": sum(p.political in ("01", "02") for p in active),
            "ended": len(persons) - len(active),
            "moves": len(self.moves),
            "visits": len(self.visits),
        }

    def build(self) -> dict:
        summary = self.compose()
        rows = self.rows
        Household.objects.bulk_create(rows["households"], batch_size=500)
        Person.objects.bulk_create(rows["persons"], batch_size=500)
        heads = Person.objects.filter(household=OuterRef("pk"), relation="02").values("pk")[:1]
        Household.objects.filter(hamlet__in=self.hamlets).update(head=Subquery(heads))
        Move.objects.bulk_create(rows["moves"], batch_size=500)
        Visit.objects.bulk_create(rows["visits"], batch_size=500)
        audit_record(
            actor=None,
            actor_name="seed_demo",
            action="create",
            obj=self.village,
            unit_code=self.village.code,
            details={"note": f"{DEMO_REMARK}：人口信息", **summary},
        )
        return summary


def recent_inflow_query(today: datetime.date) -> str:
    # A relative "last N days" parameter keeps the filter meaningful; without one, the date.
    if "moved_days" in PersonFilterForm.base_fields:
        return "moved=in&moved_days=14"
    return f"moved=in&moved_since={today - datetime.timedelta(days=14):%Y-%m-%d}"


def canonical(query: str) -> str:
    """The query as the search page saves it (its fields' order)."""
    form = PersonFilterForm(QueryDict(query))
    if not form.is_valid():
        raise ValueError(f"bad demo filter {query}: {form.errors.as_json()}")
    return query_string(form)


def seed_rules_and_filters(today: datetime.date) -> tuple[int, int]:
    rules = sum(
        VisitRule.objects.get_or_create(group=group, defaults={"every_days": 30})[1]
        for group in KEY_GROUPS
    )
    chief = User.objects.filter(username="dashihao").first()
    village = Unit.objects.filter(code=DAISHIHAO).first()
    filters = 0
    if chief is not None and village is not None:
        for name, query in SHARED_FILTERS:
            _, made = SavedFilter.objects.get_or_create(
                owner=chief,
                name=name,
                defaults={
                    "query": canonical(query or recent_inflow_query(today)),
                    "unit": village,
                    "shared": True,
                },
            )
            filters += made
    return rules, filters


def seed(stdout) -> None:
    today = timezone.localdate()
    used_ids = set(Person.objects.values_list("id_number", flat=True))
    for plan in PLANS:
        village = Unit.objects.filter(code=plan.code).select_related("parent").first()
        if village is None:
            continue
        if Household.objects.filter(hamlet__code__startswith=plan.code).exists():
            continue
        s = VillageBuilder(plan, village, today, used_ids).build()
        stdout.write(
            f"人口：{village.name} 新增 {s['households']} 户 {s['persons']} 人"
            f"（常住 {s['living_households']} 户 {s['living_persons']} 人，"
            f"党员 {s['party_members']} 名），流动记录 {s['moves']} 条，走访 {s['visits']} 次"
        )
    rules, filters = seed_rules_and_filters(today)
    if rules or filters:
        stdout.write(f"人口：新增必访规则 {rules} 条，共享常用筛选 {filters} 个")
