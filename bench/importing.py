"""3 Import: 100,000 persons from .xlsx through the import pipeline, against COPY and a library.

The file is in the import template's layout (every column, names rather than codes, as people fill
it in): one row per person, households of one to six, spread over the hamlets of one township of
the generated city, with valid ID numbers that nobody on the register holds yet.

1. The pipeline — preview, then commit, as the township's 网格长 — against the physical limit: the
   very rows that import wrote (households and persons, encrypted and indexed), taken out as CSV
   and loaded back with PostgreSQL `COPY` into the same tables with all their indexes and
   constraints. Target ≤ 5×.
2. The pipeline against django-import-export importing the same file into the same models: a
   Household and a Person resource converting the same columns, full model validation, its dry
   run (everything saved, then rolled back) and then the import, as its admin does; on the first
   LIBRARY_ROWS rows, scaled up linearly. Target ≥ 10× faster.
3. The pipeline's peak memory: the largest resident set of the process that ran preview and
   commit one after the other. Target ≤ 500 MB.

Every import runs in a process of its own inside a transaction that is rolled back at the end,
and so does every COPY: the database stays as it was (audit rows could not be deleted), and
both sides skip only the final commit's flush. Imports this large run once each; the COPY runs
three times (median). Run with DEBUG off, as in production.
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, Row, emit, say, setup_django, staff_user

TOWNSHIP = "150921101"  # the second township of the generator's first county
ROWS = 100_000
LIBRARY_ROWS = 10_000
SEED = 2026
STAFF = "bench_import"
LIMIT_MB = 500

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤梅琴云莲珍雪荣花建国文斌宇浩凯鹏飞海波亮俊峰辉东鑫林"  # noqa: E501
HEAD, SPOUSE, SON, DAUGHTER, FATHER, MOTHER = "户主", "配偶", "子", "女", "父亲", "母亲"
EDUCATION = ["初中毕业", "小学毕业", "普通高中毕业", "大学专科毕业", "大学本科毕业", "其他"]
SKILLS = ["驾驶", "电焊", "养殖", "种植", "厨师", "瓦工", "木工"]
GROUPS = ["低保", "五保", "空巢老人", "留守儿童", "残疾人"]


def township_hamlets(township: str = TOWNSHIP) -> list[tuple[str, str]]:
    from zhicun.units.models import Kind, Unit

    hamlets = Unit.objects.below(township).filter(kind=Kind.HAMLET).order_by("code")
    return [(h.code, h.name) for h in hamlets]


def headers() -> list[str]:
    from zhicun.registry.excel.columns import COLUMNS

    return [c.header for c in COLUMNS]


class Families:
    """Deterministic households of the template's columns, one dict per person by header."""

    def __init__(self, hamlets: list[tuple[str, str]], seed: int = SEED):
        self.rng = random.Random(seed)
        self.hamlets = hamlets
        self.today = datetime.date.today()
        self.used_ids: set[str] = set()
        self.taken: set[str] = set()  # ID numbers already on the register
        self.phones = 0

    def rows(self, n: int) -> list[dict]:
        rows: list[dict] = []
        k = 0
        while len(rows) < n:
            code, name = self.hamlets[k % len(self.hamlets)]
            size = min(n - len(rows), self.rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)))
            rows.extend(self.household(f"{code}9{k:05d}", name, size))
            k += 1
        return rows

    def household(self, number: str, hamlet: str, size: int) -> list[dict]:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        head_born = self.day(1945, 1995)
        common = {
            "户编号": number,
            "自然村": hamlet,
            "住址": f"{hamlet}{rng.randint(1, 200)}号",
            "户居住状态": rng.choice(("常住", "常住", "外出")),
            "承包地面积（亩）": round(rng.uniform(0, 60), 1),
            "住房安全": rng.choice(("安全", "安全", "基本安全")),
            "户联系电话": self.phone() if rng.random() < 0.3 else "",
            "户类别": rng.choice(("", "", "", "", "低保户", "脱贫户", "低保户、监测户")),
        }
        members = [(HEAD, surname, head_born, rng.choice("12"))]
        if size > 1:
            sex = "2" if members[0][3] == "1" else "1"
            members.append((SPOUSE, rng.choice(SURNAMES), self.near(head_born), sex))
        for _ in range(size - len(members)):
            if rng.random() < 0.8:
                born = self.day(max(head_born.year + 18, 1965), min(head_born.year + 40, 2023))
                sex = rng.choice("12")
                members.append((SON if sex == "1" else DAUGHTER, surname, born, sex))
            else:
                born = self.day(1925, max(1926, head_born.year - 18))
                sex = rng.choice("12")
                members.append((FATHER if sex == "1" else MOTHER, surname, born, sex))
        return [{**common, **self.person(*m)} for m in members]

    def person(self, relation: str, surname: str, born: datetime.date, sex: str) -> dict:
        rng = self.rng
        age = (self.today - born).days // 365
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        working = 18 <= age < 60
        return {
            "姓名": surname + given,
            "身份证号码": self.id_number(born, sex),
            "性别": "男" if sex == "1" else "女",
            "出生日期": born,
            "民族": rng.choice(("汉族",) * 9 + ("蒙古族",)),
            "与户主关系": relation,
            "文化程度": rng.choice(EDUCATION),
            "婚姻状况": "已婚" if age >= 25 else "未婚",
            "政治面貌": "中共党员" if rng.random() < 0.03 else "群众",
            "宗教信仰": "无",
            "健康状况": rng.choice(("健康",) * 8 + ("长期慢性病",)),
            "劳动能力": "普通劳动力" if working else "无劳动力",
            "技能": "、".join(rng.sample(SKILLS, rng.choice((0, 0, 1, 2)))),
            "就业状况": rng.choice(("务农", "外出务工", "本地务工")) if working else "未就业",
            "居住状态": "常住" if rng.random() < 0.7 else "外出务工",
            "手机号": self.phone() if working and rng.random() < 0.8 else "",
            "特殊人群": rng.choice(GROUPS) if rng.random() < 0.05 else "",
            "城乡居民医保": "是",
            "养老保险": "是" if age >= 16 else "否",
            "领取养老金": "是" if age >= 60 else "否",
            "备注": "",
        }

    def day(self, first: int, last: int) -> datetime.date:
        start = datetime.date(first, 1, 1)
        end = min(datetime.date(last, 12, 31), self.today - datetime.timedelta(days=1))
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def near(self, born: datetime.date) -> datetime.date:
        day = born + datetime.timedelta(days=self.rng.randint(-2000, 2000))
        return min(day, self.today - datetime.timedelta(days=6600))

    def id_number(self, born: datetime.date, sex: str) -> str:
        from zhicun.lib.idnumber import make_id_number

        # One draw per person, so that redrawing the few clashes changes no other row.
        seq = self.rng.randrange(500) * 2 + (1 if sex == "1" else 0)
        while True:
            number = make_id_number(TOWNSHIP[:6], born, seq)
            if number not in self.used_ids and number not in self.taken:
                self.used_ids.add(number)
                return number
            seq = (seq + 2) % 1000

    def phone(self) -> str:
        self.phones += 1
        return f"139{self.phones:08d}"


def registered(numbers: list[str]) -> set[str]:
    """Those of `numbers` that someone on the register (in any state) already holds."""
    from django.db import connection

    from zhicun.lib.crypto import blind_index

    hashes = {blind_index(n): n for n in numbers}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_hash FROM registry_person WHERE id_number_hash = ANY(%s)",
            [list(hashes)],
        )
        return {hashes[h] for (h,) in cursor.fetchall()}


def make_rows(n: int) -> list[dict]:
    """`n` rows whose ID numbers are new to the register (drawn again until they are)."""
    hamlets = township_hamlets()
    taken: set[str] = set()
    while True:
        families = Families(hamlets)
        families.taken = taken
        rows = families.rows(n)
        clashes = registered([r["身份证号码"] for r in rows])
        if not clashes:
            return rows
        taken |= clashes


def xlsx_bytes(rows: list[dict]) -> bytes:
    """The rows in the template's layout: text columns as text, dates as dates."""
    import xlsxwriter

    from zhicun.registry.excel.columns import COLUMNS
    from zhicun.registry.excel.template import DATA_SHEET, TEXT_KINDS

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(DATA_SHEET)
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, column in enumerate(COLUMNS):
        fmt = date if column.kind == "date" else text if column.kind in TEXT_KINDS else None
        sheet.set_column(col, col, column.width, fmt)
        sheet.write_string(0, col, column.header)
    names = headers()
    for r, row in enumerate(rows, start=1):
        for col, header in enumerate(names):
            value = row.get(header, "")
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, col, datetime.datetime.combine(value, datetime.time()), date
                )
            elif isinstance(value, float):
                sheet.write_number(r, col, value)
            elif value != "":
                sheet.write_string(r, col, value)
    book.close()
    return out.getvalue()


# --- the pipeline (child process) --------------------------------------------------------------


def allow_large_files(rows: int) -> None:
    """A deployment that takes files of this size raises the upload limits (settings)."""
    from django.conf import settings

    settings.REGISTRY_IMPORT_MAX_ROWS = rows
    settings.REGISTRY_IMPORT_MAX_BYTES = 64 * 1024 * 1024


class Rollback(Exception):
    pass


def peak_rss_mb() -> float:
    """This process's largest resident set. Not getrusage's ru_maxrss: that survives exec and
    so starts at the size of the parent that forked this process."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_pipeline(path: Path, rows: int, out: Path) -> dict:
    """Preview and commit `path`, then take the rows it wrote out as CSV and roll back."""
    from django.conf import settings
    from django.db import connection, transaction

    from zhicun.accounts.roles import Role
    from zhicun.audit.models import AuditEvent
    from zhicun.registry.excel.importer import import_commit, import_preview
    from zhicun.registry.models import ImportBatch
    from zhicun.units.models import Unit

    allow_large_files(rows)
    settings.MEDIA_ROOT = str(out / "media")  # the kept upload goes to the scratch folder
    user = staff_user(STAFF, Role.CHIEF, TOWNSHIP)
    unit = Unit.objects.get(code=TOWNSHIP)
    data = path.read_bytes()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result: dict = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            batch, _plan = import_preview(
                by=user, unit=unit, file_name=path.name, data=data, on_existing="skip"
            )
            del _plan
            previewed = time.perf_counter()
            if batch.status != ImportBatch.Status.PREVIEWED:
                raise SystemExit(f"preview failed: {batch.errors[:5]}")
            batch = import_commit(by=user, batch=batch)
            committed = time.perf_counter()
            if batch.status != ImportBatch.Status.COMMITTED:
                raise SystemExit(f"commit failed: {batch.errors[:5]}")
            result = {
                "preview": previewed - started,
                "commit": committed - previewed,
                "rss_mb": peak_rss_mb(),
                "persons": batch.persons_created,
                "households": batch.households_created,
            }
            with connection.cursor() as cursor:
                dump_created(cursor.cursor, out, last_event)
            raise Rollback
    except Rollback:
        pass
    return result


CREATED = """
    SELECT object_id::bigint FROM audit_auditevent
    WHERE id > %(after)s AND action = 'create' AND object_type = %(type)s
"""


COPY_OUT = "COPY (SELECT * FROM {} WHERE id = ANY(%s)) TO STDOUT (FORMAT csv)"
COPY_IN = "COPY {} FROM STDIN (FORMAT csv)"


def dump_created(cursor, out: Path, after: int) -> None:
    """The households and persons the import wrote (their history follows audit event `after`),
    as stored: ciphertexts, blind indexes and all."""
    from psycopg import sql

    for table, name in (("registry_household", "households"), ("registry_person", "persons")):
        cursor.execute(CREATED, {"after": after, "type": f"registry.{name[:-1]}"})
        ids = [i for (i,) in cursor.fetchall()]
        statement = sql.SQL(COPY_OUT).format(sql.Identifier(table))
        with open(out / f"{name}.csv", "wb") as f, cursor.copy(statement, [ids]) as copy:
            for chunk in copy:
                f.write(chunk)


# --- the physical limit ------------------------------------------------------------------------


def copy_in(db_url: str, out: Path, rounds: int = 3) -> float:
    """Median seconds to load the import's households and persons from CSV with COPY into the
    real tables (every index and constraint in place), each round rolled back."""
    import psycopg
    from psycopg import sql

    times = []
    with psycopg.connect(db_url.replace("postgres://", "postgresql://", 1)) as conn:
        for _ in range(rounds):
            started = time.perf_counter()
            with conn.cursor() as cursor:
                for table, name in (
                    ("registry_household", "households"),
                    ("registry_person", "persons"),
                ):
                    statement = sql.SQL(COPY_IN).format(sql.Identifier(table))
                    with open(out / f"{name}.csv", "rb") as f, cursor.copy(statement) as copy:
                        while chunk := f.read(1 << 20):
                            copy.write(chunk)
            times.append(time.perf_counter() - started)
            conn.rollback()
    return statistics.median(times)


# --- django-import-export (child process) ------------------------------------------------------


def library_resources(township: str):
    """Resources a Django developer would write for this file: one per model, each column
    converted by a widget (the same conversions as the template's), households looked up by
    their number and hamlets by name within the township, full model validation; the head of
    each household set once its members are in."""
    from django.db.models import OuterRef, Subquery
    from import_export import fields, resources, widgets

    from zhicun.registry.excel.columns import COLUMNS, HOUSEHOLD, PERSON, CellError, parse
    from zhicun.registry.models import Household, Person
    from zhicun.units.models import Kind, Unit

    class Cell(widgets.Widget):
        def __init__(self, column, default):
            super().__init__()
            self.column, self.default = column, default

        def clean(self, value, row=None, **kwargs):
            try:
                parsed = parse(self.column, value)
            except CellError as e:
                raise ValueError(str(e)) from None
            return self.default() if parsed is None else parsed

    class Hamlet(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return Unit.objects.below(township).filter(kind=Kind.HAMLET)

    def columns(model, level: str) -> dict:
        found = {}
        for column in COLUMNS:
            if column.level != level or column.key in ("number", "hamlet"):
                continue
            default = model._meta.get_field(column.key).get_default
            found[column.key] = fields.Field(
                attribute=column.key, column_name=column.header, widget=Cell(column, default)
            )
        return found

    def declare(name: str, model, declared: dict, import_id: str, **methods):
        meta = type(
            "Meta",
            (),
            {
                "model": model,
                "import_id_fields": (import_id,),
                "fields": tuple(declared),
                "skip_unchanged": True,
                "clean_model_instances": True,
            },
        )
        base = resources.ModelResource
        return type(base)(name, (base,), {**declared, **methods, "Meta": meta})

    def person_hamlet(self, instance, row, **kwargs):
        resources.ModelResource.import_instance(self, instance, row, **kwargs)
        instance.hamlet_id = instance.household.hamlet_id

    def set_heads(self, dataset, result, **kwargs):
        heads = Person.objects.filter(household=OuterRef("pk"), relation="02")
        Household.objects.filter(number__in=set(dataset["户编号"]), head__isnull=True).update(
            head=Subquery(heads.values("pk")[:1])
        )

    household_fields = {
        "number": fields.Field(attribute="number", column_name="户编号"),
        "hamlet": fields.Field(
            attribute="hamlet", column_name="自然村", widget=Hamlet(Unit, field="name")
        ),
        **columns(Household, HOUSEHOLD),
    }
    person_fields = {
        "household": fields.Field(
            attribute="household",
            column_name="户编号",
            widget=widgets.ForeignKeyWidget(Household, field="number"),
        ),
        **columns(Person, PERSON),
    }
    households = declare("HouseholdResource", Household, household_fields, "number")
    persons = declare(
        "PersonResource",
        Person,
        person_fields,
        "id_number",
        import_instance=person_hamlet,
        after_import=set_heads,
    )
    return households, persons


def run_library(path: Path) -> dict:
    """The admin's two steps: a dry run (saved, then rolled back), then the import."""
    import tablib
    from django.db import transaction
    from django.db.models import F

    from zhicun.registry.models import Person

    households, persons = library_resources(TOWNSHIP)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for dry_run in (True, False):
                dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
                with transaction.atomic():
                    for resource_class in (households, persons):
                        result = resource_class().import_data(dataset, raise_errors=True)
                        if result.has_validation_errors():
                            raise SystemExit(f"{resource_class.__name__}: validation errors")
                    transaction.set_rollback(dry_run)
            result = {"seconds": time.perf_counter() - started}
            numbers = set(dataset["户编号"])
            imported = Person.objects.filter(household__number__in=numbers)
            result["persons"] = imported.count()
            result["heads"] = imported.filter(household__head=F("pk")).count()
            raise Rollback
    except Rollback:
        pass
    return result


# --- the benchmark -----------------------------------------------------------------------------


def child(kind: str, db_url: str, path: Path, rows: int, out: Path) -> dict:
    """Run one import in a fresh process (so its memory is its own) and return its figures."""
    process = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "bench.importing", "--db", db_url, "--child", kind]
        + ["--file", str(path), "--rows", str(rows), "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(process.stdout.strip().splitlines()[-1])


def analyze_tables() -> None:
    """Planner statistics as autovacuum would keep them (a generated city may have none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person, registry_household, units_unit")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a generated city (PostgreSQL)")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--library-rows", type=int, default=LIBRARY_ROWS)
    parser.add_argument("--child", choices=("pipeline", "library"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DEBUG"] = "false"
    setup_django(args.db)
    if args.child == "pipeline":
        print(json.dumps(run_pipeline(args.file, args.rows, args.out)))
        return
    if args.child == "library":
        print(json.dumps(run_library(args.file)))
        return

    from zhicun.accounts.roles import Role

    analyze_tables()
    staff_user(STAFF, Role.CHIEF, TOWNSHIP)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        out = Path(scratch)
        say(f"import: writing {args.rows:,} rows …")
        rows = make_rows(args.rows)
        big, small = out / "persons.xlsx", out / "persons-sample.xlsx"
        big.write_bytes(xlsx_bytes(rows))
        small.write_bytes(xlsx_bytes(rows[: args.library_rows]))
        del rows

        ours = child("pipeline", args.db, big, args.rows, out)
        pipeline = ours["preview"] + ours["commit"]
        say(
            f"import: pipeline {pipeline:.1f} s (preview {ours['preview']:.1f}, "
            f"commit {ours['commit']:.1f}), peak {ours['rss_mb']:.0f} MB"
        )
        copy_seconds = copy_in(args.db, out)
        say(f"import: COPY {copy_seconds:.1f} s")
        theirs = child("library", args.db, small, args.library_rows, out)
        scale = args.rows / args.library_rows
        library = theirs["seconds"] * scale
        say(f"import: django-import-export {theirs['seconds']:.1f} s × {scale:g}")

    size = f"{args.rows // 10000} 万行" if args.rows % 10000 == 0 else f"{args.rows:,} 行"
    split = f"预检 {ours['preview']:.1f} s + 提交 {ours['commit']:.1f} s"
    emit(
        Row(
            "3 导入",
            f"{size} xlsx 预检+提交 vs COPY",
            pipeline,
            copy_seconds,
            "s",
            5.0,
            note=f"单次；{split}；COPY 同样的户、人行进同样的表（含索引），3 次中位数",
        )
    )
    emit(
        Row(
            "3 导入",
            "vs django-import-export",
            library,
            pipeline,
            "s",
            10.0,
            better="higher",
            note=f"单次；对方按前 {args.library_rows:,} 行实测 {theirs['seconds']:.1f} s 线性外推"
            "（试导入+导入，含模型校验，不写审计）",
        )
    )
    emit(
        Row(
            "3 导入",
            "峰值内存",
            ours["rss_mb"],
            LIMIT_MB,
            "MB",
            1.0,
            note="单次；预检与提交在同一进程内先后进行的最大常驻内存",
        )
    )


if __name__ == "__main__":
    main()
