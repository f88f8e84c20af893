"""A city-sized population for measuring: units, staff, households, persons, moves, visits, cases.

Each village is composed by the demo's `VillageBuilder` (the same families, ages, ID numbers,
work, moves and visits as 大十号村, at the village's own size) and written with `BulkWriter`
(PostgreSQL `COPY`). Deterministic for a given seed and day; refuses to run twice into the same
city code.
"""

import math
import multiprocessing
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.utils import timezone

from zhicun.accounts.models import Post, User
from zhicun.accounts.roles import Role
from zhicun.audit.services import audit_record
from zhicun.lib import workdays
from zhicun.ops.bulk import BulkWriter
from zhicun.ops.casegen import CaseMaker, save_counters
from zhicun.registry.demo import VillageBuilder, VillagePlan
from zhicun.registry.models import Household, Move, Person, Visit
from zhicun.units.models import Kind, Unit

REMARK = "生成数据"
PROVINCE = ("15", "内蒙古自治区")
CITY = ("1509", "乌兰察布市")
# Real county codes of the city except 集宁区 (150902), which the demo district uses.
COUNTIES = [
    ("150921", "卓资县"),
    ("150922", "化德县"),
    ("150923", "商都县"),
    ("150924", "兴和县"),
    ("150925", "凉城县"),
    ("150926", "察哈尔右翼前旗"),
    ("150927", "察哈尔右翼中旗"),
    ("150928", "察哈尔右翼后旗"),
    ("150929", "四子王旗"),
    ("150981", "丰镇市"),
]
VILLAGES_PER_TOWNSHIP = 10
TOWNSHIPS_PER_COUNTY = 10
# Registered persons per village: real villages here have a few hundred to a few thousand.
VILLAGE_SIZE = (400, 1800)

FIRST = "大小东西南北前后新老红白黑黄三五六八十双太平丰永德兴福长"
SECOND = "营滩沟梁湾泉岭河堡窑庄台山坝井圪旦号地房子渠湖海"


@dataclass
class VillageSpec:
    code: str
    name: str
    persons: int
    hamlets: list[str] = field(default_factory=list)

    def plan(self) -> VillagePlan:
        # The shares of 大十号村 (SPEC §0): 2.9 registered persons per household, 44 % of
        # households living in the village, 29 % of persons living there, 2 % party members.
        households = max(20, round(self.persons / 2.89))
        return VillagePlan(
            code=self.code,
            households=households,
            resident_households=round(households * 0.44),
            persons=self.persons,
            living=round(self.persons * 0.294),
            party=max(1, round(self.persons * 0.019)),
        )


def place_name(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        name = rng.choice(FIRST) + rng.choice(SECOND) + suffix
        if name not in used:
            used.add(name)
            return name


def split_persons(total: int, rng: random.Random) -> list[int]:
    """Village sizes within VILLAGE_SIZE summing to exactly `total` (small totals: one village)."""
    if total <= VILLAGE_SIZE[1]:
        return [total]
    sizes = []
    left = total
    while left > VILLAGE_SIZE[1]:
        size = min(rng.randint(*VILLAGE_SIZE), left - VILLAGE_SIZE[0])
        sizes.append(size)
        left -= size
    sizes.append(left)
    return sizes


class CityGenerator:
    def __init__(self, persons: int, seed: int, cases_per_person: float = 0.1):
        self.persons = persons
        self.seed = seed
        self.rng = random.Random(f"zhicun-generate-{seed}")
        self.cases_per_person = cases_per_person
        self.today = timezone.localdate()
        self.writer = BulkWriter()
        self.password = make_password(None)  # unusable: staff here never log in
        self.totals = dict.fromkeys(("households", "persons", "moves", "visits", "cases"), 0)

    # --- units and staff ------------------------------------------------------------------------

    def units(self) -> list[tuple[Unit, VillageSpec]]:
        rng = self.rng
        sizes = split_persons(self.persons, rng)
        n_townships = math.ceil(len(sizes) / VILLAGES_PER_TOWNSHIP)
        n_counties = math.ceil(n_townships / TOWNSHIPS_PER_COUNTY)
        if n_counties > len(COUNTIES):
            raise ValueError(f"最多生成 {len(COUNTIES)} 个县（约 {self.max_persons()} 人）")
        province, _ = Unit.objects.get_or_create(
            code=PROVINCE[0], defaults={"name": PROVINCE[1], "kind": Kind.PROVINCE}
        )
        city, _ = Unit.objects.get_or_create(
            code=CITY[0], defaults={"name": CITY[1], "kind": Kind.CITY, "parent": province}
        )
        new: list[Unit] = []
        villages: list[tuple[Unit, VillageSpec]] = []
        sizes_iter = iter(sizes)
        for c in range(n_counties):
            county = Unit(code=COUNTIES[c][0], name=COUNTIES[c][1], kind=Kind.COUNTY, parent=city)
            new.append(county)
            township_names: set[str] = set()  # names are unique among siblings only
            for t in range(min(TOWNSHIPS_PER_COUNTY, n_townships - c * TOWNSHIPS_PER_COUNTY)):
                township = Unit(
                    code=f"{county.code}{100 + t:03d}",
                    name=place_name(rng, township_names, rng.choice("镇乡")),
                    kind=Kind.TOWNSHIP,
                    parent=county,
                )
                new.append(township)
                village_names: set[str] = set()
                for v in range(VILLAGES_PER_TOWNSHIP):
                    persons = next(sizes_iter, None)
                    if persons is None:
                        break
                    village = Unit(
                        code=f"{township.code}{201 + v:03d}",
                        name=place_name(rng, village_names, "村"),
                        kind=Kind.VILLAGE,
                        parent=township,
                    )
                    spec = VillageSpec(village.code, village.name, persons)
                    new.append(village)
                    new.extend(self.grids_and_hamlets(village, spec))
                    villages.append((village, spec))
        for unit in new:
            unit.remark = REMARK
        self.writer.write(Unit, new)
        return villages

    def grids_and_hamlets(self, village: Unit, spec: VillageSpec) -> list[Unit]:
        """About one hamlet (村民小组) per 450 persons, about three hamlets per grid."""
        units = []
        n_hamlets = max(2, round(spec.persons / 450))
        n_grids = max(1, round(n_hamlets / 3))
        for g in range(n_grids):
            grid = Unit(
                code=f"{village.code}{g + 1:03d}",
                name=f"第{'一二三四五六七八九十'[g % 10]}网格",
                kind=Kind.GRID,
                parent=village,
            )
            units.append(grid)
            for k, h in enumerate(range(g, n_hamlets, n_grids), start=1):
                units.append(
                    Unit(
                        code=f"{grid.code}{k:03d}",
                        name=spec.name.removesuffix("村") + f"{h + 1}组",
                        kind=Kind.HAMLET,
                        parent=grid,
                    )
                )
        return units

    def staff(self, villages: list[Unit]) -> None:
        """A chief per village and a grid manager per grid, so moves and visits have recorders."""
        users, posts = [], []
        grids = Unit.objects.filter(kind=Kind.GRID, parent__in=villages)
        for unit, role in [
            *((v, Role.CHIEF) for v in villages),
            *((g, Role.MANAGER) for g in grids),
        ]:
            user = User(
                username=f"g{unit.code}",
                full_name=f"{unit.name}{Role(role).label}",
                password=self.password,
            )
            users.append(user)
            posts.append(Post(user=user, role=role, unit=unit))
        self.writer.write(User, users)
        self.writer.write(Post, posts)

    def max_persons(self) -> int:
        return len(COUNTIES) * TOWNSHIPS_PER_COUNTY * VILLAGES_PER_TOWNSHIP * VILLAGE_SIZE[1]

    def run(self, jobs: int = 1) -> dict:
        """Units and staff first, then the villages, split over `jobs` processes."""
        if Unit.objects.filter(code__startswith=CITY[0], remark=REMARK).exists():
            raise ValueError(f"{CITY[1]}的生成数据已存在；请在空数据库中生成")
        with transaction.atomic():
            villages = self.units()
            self.staff([v for v, _ in villages])
        specs = [(spec.code, spec.persons) for _, spec in villages]
        parts = [
            (k, jobs, specs[k::jobs], self.seed, self.cases_per_person, self.today, k == 0)
            for k in range(jobs)
        ]
        if jobs == 1:
            results = [generate_part(*parts[0])]
        else:
            connections.close_all()  # each process opens its own
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                results = pool.starmap(generate_part_in_child, parts)
        counters: dict = {}
        for totals, part_counters in results:
            for key, value in totals.items():
                self.totals[key] += value
            for key, last in part_counters.items():
                counters[key] = max(last, counters.get(key, 0))
        save_counters(counters)
        audit_record(
            actor=None,
            actor_name="generate_population",
            action="create",
            obj=Unit.objects.get(code=CITY[0]),
            unit_code=CITY[0],
            details={"note": f"{REMARK}（种子 {self.seed}）", **self.totals},
        )
        return self.totals


def generate_part(lane, lanes, specs, seed, cases_per_person, today, progress=False):
    """The households, persons, moves, visits and cases of some villages, one transaction per
    village; returns the totals and the case counters used. With `progress`, prints how far
    this part has come (the first part speaks for all)."""
    writer = BulkWriter()
    builder_seed = f"zhicun-generate-{seed}"
    by_code = {
        u.code: u
        for u in Unit.objects.filter(code__in=[c for c, _ in specs]).select_related("parent")
    }
    used_ids: set[str] = set(Person.objects.values_list("id_number", flat=True))
    cases = CaseMaker(f"{builder_seed}-cases", writer)
    cases.lane = (lane, lanes)
    totals = dict.fromkeys(("households", "persons", "moves", "visits", "cases"), 0)
    started = time.perf_counter()
    with workdays.overrides_read_once():
        for i, (code, persons) in enumerate(specs, start=1):
            village = by_code[code]
            spec = VillageSpec(code, village.name, persons)
            builder = VillageBuilder(
                spec.plan(), village, today, used_ids, seed=builder_seed, id_lane=(lane, lanes)
            )
            with transaction.atomic():
                summary = write_village(builder, writer)
                totals["cases"] += cases.make(village, round(persons * cases_per_person))
            for key in ("households", "persons", "moves", "visits"):
                totals[key] += summary[key]
            if progress and (i % 50 == 0 or i == len(specs)):
                seconds = time.perf_counter() - started
                done = f"{i * lanes}/{len(specs) * lanes} 个村"
                print(f"  约 {done}，{totals['persons'] * lanes} 人，{seconds:.0f} 秒", flush=True)
    return totals, cases.counters


def generate_part_in_child(*args):
    try:
        return generate_part(*args)
    finally:
        connections.close_all()


def write_village(builder: VillageBuilder, writer: BulkWriter) -> dict:
    summary = builder.compose()
    rows = builder.rows
    writer.reserve_ids(Household, rows["households"])
    writer.reserve_ids(Person, rows["persons"])
    for person in rows["persons"]:
        if person.relation == "02" and person.household.head_id is None:
            person.household.head_id = person.pk
    writer.write(Household, rows["households"])
    writer.write(Person, rows["persons"])
    writer.write(Move, rows["moves"])
    writer.write(Visit, rows["visits"])
    return summary
