"""manage.py generate_population --persons N --seed S: a city-sized population for measuring."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zhicun.ops.population import CityGenerator


class Command(BaseCommand):
    help = (
        "生成城市规模的模拟人口（区划、网格员、户、人、流动、走访、一年的民情事件），用于压力测试"
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="在册人口数")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子（同一种子同一天结果相同）"
        )
        parser.add_argument(
            "--cases-per-person", type=float, default=0.1, help="每人每年民情事件数（默认 0.1）"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=0,
            help="并行进程数（默认：PostgreSQL 上为 CPU 核数，SQLite 上为 1）",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式下不能生成模拟数据")
        if options["persons"] < 50:
            raise CommandError("--persons 至少为 50")
        generator = CityGenerator(
            options["persons"],
            options["seed"],
            cases_per_person=options["cases_per_person"],
        )
        jobs = options["jobs"] or (os.cpu_count() or 1 if connection.vendor == "postgresql" else 1)
        if connection.vendor != "postgresql" and jobs > 1:
            raise CommandError("SQLite 只能单进程写入，请去掉 --jobs")
        started = time.perf_counter()
        try:
            totals = generator.run(jobs=jobs)
        except ValueError as e:
            raise CommandError(str(e)) from e
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"生成完成：{totals['households']} 户，{totals['persons']} 人，"
            f"流动记录 {totals['moves']} 条，走访 {totals['visits']} 次，"
            f"民情事件 {totals['cases']} 件，用时 {seconds:.0f} 秒"
        )
