"""Builders for case tests: a case reported in hamlet A of 大十号村 and moved along its flow."""

from zhicun.cases import services
from zhicun.cases.models import Category, Urgency
from zhicun.demo.district import DAISHIHAO, GRID1, HAMLET_A, MALIANQU, XIAOSHIHAO  # noqa: F401
from zhicun.units.models import Unit


def category(name: str = "垃圾清运") -> Category:
    return Category.objects.get(name=name)


def urgency(code: str) -> Urgency:
    return Urgency.objects.get(code=code)


def report(by, unit_code: str = HAMLET_A, **kw):
    kw.setdefault("title", "东梁路灯不亮")
    kw.setdefault("description", "东梁村口三盏路灯不亮，夜间出行不便")
    kw.setdefault("category", category())
    return services.case_report(by=by, origin_unit=Unit.objects.get(code=unit_code), **kw)


def move(case, by, *actions, **extra):
    """Apply actions in turn with a note each, e.g. move(case, dashihao, "accept", "start")."""
    for action in actions:
        services.case_transition(case=case, action=action, by=by, note=f"{action} 说明", **extra)
    case.refresh_from_db()
    return case
