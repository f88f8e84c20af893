"""Builders for errand tests: a villager in hamlet A and errands at each step."""

from zhicun.errands import services
from zhicun.errands.models import ErrandType, ReplyMethod
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

HAMLET_A = "150902200201001001"
XIAOSHIHAO_HAMLET = "150902200202001001"


def villager(name="王秀英", code=HAMLET_A, **kw):
    household = factories.household(Unit.objects.get(code=code), head_name=name, **kw)
    return household.head


def kind(code="utilities") -> ErrandType:
    return ErrandType.objects.get(code=code)


def register(by, person=None, code="utilities", **kw):
    return services.errand_register(
        by=by, person=person or villager(), type=kind(code), need="代缴本月电费", **kw
    )


def processing(by, **kw):
    errand = register(by, **kw)
    return services.errand_start(errand=errand, by=by, office="供电所营业厅")


def replied(by, **kw):
    errand = processing(by, **kw)
    return services.errand_reply(errand=errand, by=by, result="已缴清", method=ReplyMethod.VISIT)
