"""`make bench`: generate the benchmark cities once, run every benchmark, print and save the table.

    python -m bench.run [--only search,sweep] [--fresh] [--persons 1000000]

The databases (PostgreSQL on 127.0.0.1, user postgres) are kept between runs and regenerated
with --fresh or when their size does not match. The table goes to bench/results.md.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict

from bench.common import PYTHON, ROOT, Row

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
LARGE, SMALL, SCRATCH = "zhicun_bench_1m", "zhicun_bench_100k", "zhicun_bench_scratch"
RESULTS = ROOT / "bench" / "results.md"
# Every row measured so far, by benchmark module: a run of some modules replaces their rows only.
ROWS = ROOT / "bench" / "results.json"


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(  # noqa: S603
        ["psql", f"{SERVER}/{db}", "-Atqc", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def url(db: str) -> str:
    return f"{SERVER}/{db}"


def manage(db: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url(db)}
    subprocess.run([PYTHON, "manage.py", *args], check=True, cwd=ROOT, env=env)  # noqa: S603


def persons_in(db: str) -> int | None:
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":  # noqa: S608
        return None
    try:
        return int(
            psql(
                "SELECT count(*) FROM registry_person WHERE residence IN "
                "('resident', 'away_work', 'away_study', 'inflow')",
                db,
            )
        )
    except subprocess.CalledProcessError:
        return None


def ensure_city(db: str, persons: int, fresh: bool) -> None:
    if not fresh and persons_in(db) == persons:
        print(f"{db}: {persons:,} 人，已存在", flush=True)
        manage(db, "migrate", "--noinput", "-v0")  # the code may have moved on since
        return
    print(f"{db}: 生成 {persons:,} 人 …", flush=True)
    psql(f"DROP DATABASE IF EXISTS {db}")
    psql(f"CREATE DATABASE {db}")
    started = time.perf_counter()
    manage(db, "migrate", "--noinput", "-v0")
    manage(db, "generate_population", "--persons", str(persons), "--seed", "1")
    psql("VACUUM ANALYZE", db)
    print(f"{db}: 用时 {time.perf_counter() - started:.0f} 秒", flush=True)


def scratch_copy(db: str) -> str:
    psql(f"DROP DATABASE IF EXISTS {SCRATCH}")
    psql(f"CREATE DATABASE {SCRATCH} TEMPLATE {db}")
    return SCRATCH


def run_module(name: str, *args: str) -> list[Row]:
    print(f"== {name}", flush=True)
    process = subprocess.run(  # noqa: S603
        [PYTHON, "-m", f"bench.{name}", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    rows = [
        Row(**json.loads(line[4:]))
        for line in process.stdout.splitlines()
        if line.startswith("ROW ")
    ]
    if process.returncode != 0:
        print(f"bench.{name} failed (exit {process.returncode})", flush=True)
    return rows


def fmt(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def table(rows: list[Row]) -> str:
    lines = [
        "| 基准 | 场景 | 实测 | 对照 | 比值 | 目标 | 达标 | 说明 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        sign = "≤" if r.better == "lower" else "≥"
        lines.append(
            f"| {r.bench} | {r.case} | {fmt(r.measured, r.unit)} | {fmt(r.baseline, r.unit)} "
            f"| {r.ratio:.3g}× | {sign} {r.target:g}× | {'是' if r.met else '**否**'} | {r.note} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        mem_kb = int(f.readline().split()[1])
    pg = psql("SHOW server_version")
    return (
        f"{cpu}，{os.cpu_count()} 核，内存 {mem_kb / 1024 / 1024:.0f} GB；"
        f"Python {platform.python_version()}，PostgreSQL {pg}；"
        f"{datetime.date.today():%Y-%m-%d}"
    )


MODULES = ("search", "importing", "sweep", "dashboard", "load")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(MODULES))
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()
    only = [m for m in args.only.split(",") if m]
    started = time.perf_counter()
    small_persons = args.persons // 10
    ensure_city(LARGE, args.persons, args.fresh)
    ensure_city(SMALL, small_persons, args.fresh)
    measured: dict[str, list[Row]] = {}
    for name in only:
        rows: list[Row] = []
        if name == "search":
            rows += run_module("search", "--db", url(LARGE), "--small-db", url(SMALL))
        elif name == "importing":
            rows += run_module("importing", "--db", url(scratch_copy(LARGE)))
        elif name == "sweep":
            rows += run_module("sweep", "--db", url(scratch_copy(SMALL)))
        elif name == "dashboard":
            rows += run_module("dashboard", "--db", url(LARGE))
        elif name == "load":
            rows += run_module("load", "--db", url(LARGE))
        else:
            sys.exit(f"unknown benchmark {name}; known: {', '.join(MODULES)}")
        measured[name] = rows
    psql(f"DROP DATABASE IF EXISTS {SCRATCH}")
    kept = json.loads(ROWS.read_text(encoding="utf-8")) if ROWS.exists() else {}
    kept.update({name: [asdict(r) for r in rows] for name, rows in measured.items()})
    ROWS.write_text(json.dumps(kept, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = [Row(**r) for name in MODULES for r in kept.get(name, [])]
    minutes = (time.perf_counter() - started) / 60
    report = (
        f"机器：{machine()}；人口 {args.persons:,}（增长对照 {small_persons:,}）；"
        f"本次运行 {', '.join(only) or '无（只重排表格）'}，用时 {minutes:.0f} 分钟\n\n"
        f"{table(rows)}\n"
    )
    print("\n" + report)
    RESULTS.write_text(report, encoding="utf-8")
    print(f"已写入 {RESULTS.relative_to(ROOT)}（本次运行：{', '.join(only)}；其余行沿用上次结果）")
    missed = [r for r in rows if not r.met]
    print(f"{len(rows) - len(missed)}/{len(rows)} 行达标")


if __name__ == "__main__":
    main()
