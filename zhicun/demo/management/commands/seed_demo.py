"""Load the demo district: idempotent (running it again adds nothing) and deterministic.

Each app may contribute a `demo.py` with `seed(stdout)`; they run in INSTALLED_APPS order
after the units and accounts.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhicun.accounts.models import Post, User
from zhicun.accounts.roles import Role
from zhicun.demo.district import ACCOUNTS, COUNTY, DEMO_REMARK, TOWNSHIPS
from zhicun.units.models import Kind, Unit


def seed_units() -> int:
    created = 0

    def unit(code, name, kind, parent):
        nonlocal created
        obj, made = Unit.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "parent": parent, "remark": DEMO_REMARK},
        )
        created += made
        return obj

    county = unit(COUNTY[0], COUNTY[1], Kind.COUNTY, None)
    for t_code, t_name, villages in TOWNSHIPS:
        township = unit(t_code, t_name, Kind.TOWNSHIP, county)
        for v_code, v_name, grids in villages:
            village = unit(v_code, v_name, Kind.VILLAGE, township)
            for g_index, (g_name, hamlets) in enumerate(grids, start=1):
                grid = unit(f"{v_code}{g_index:03d}", g_name, Kind.GRID, village)
                for h_index, h_name in enumerate(hamlets, start=1):
                    unit(f"{grid.code}{h_index:03d}", h_name, Kind.HAMLET, grid)
    return created


def seed_accounts() -> int:
    created = 0
    for username, full_name, posts in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name)
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            created += 1
        for role, code in posts:
            Post.objects.get_or_create(user=user, role=role, unit=Unit.objects.get(code=code))
    return created


def app_seeders():
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name.startswith("zhicun.") and importlib.util.find_spec(name):
            yield config.label, importlib.import_module(name).seed


def short_path(unit: Unit) -> str:
    """大十号村 第一网格 rather than just 第一网格."""
    if unit.kind in (Kind.GRID, Kind.HAMLET):
        return (
            " ".join(
                u.name
                for u in unit.ancestors()
                if u.kind != Kind.COUNTY and u.kind != Kind.TOWNSHIP
            )
            + " "
            + unit.name
        )
    return unit.name


class Command(BaseCommand):
    help = "加载演示区县（集宁区）及演示账号；可重复运行，不会重复创建"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式下不能加载演示数据")
        with transaction.atomic():
            units = seed_units()
            users = seed_accounts()
        self.stdout.write(f"区划：新增 {units} 个单位；账号：新增 {users} 个")
        for _label, seed in app_seeders():
            with transaction.atomic():
                seed(self.stdout)
        if not options["quiet_accounts"]:
            self.print_accounts()

    def print_accounts(self):
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：")
        for username, full_name, posts in ACCOUNTS:
            roles = "、".join(
                f"{short_path(Unit.objects.get(code=code))} {Role(role).label}"
                for role, code in posts
            )
            self.stdout.write(f"  {username:<12} {full_name:<10} {roles}")
