"""Units in the user's scope, and the population figures of a unit and below."""

from ninja import Path, Query, Router

from zhicun.api.common import LIMIT, OFFSET, UNIT, paged, responses, scoped_unit
from zhicun.api.schemas import UnitOut, UnitPage, UnitStats
from zhicun.registry import stats
from zhicun.registry.models import Household, Person
from zhicun.units.models import Kind, Unit

router = Router(tags=["区划"])

KIND = Query(None, description="层级")
CODE = Path(..., pattern=r"^[0-9]{1,18}$", description="单位代码")


def unit_out(unit: Unit) -> dict:
    return unit.to_dict()


@router.get("/units", response=responses({200: UnitPage}, 404))
def units(
    request,
    unit: str | None = UNIT,
    kind: Kind | None = KIND,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Unit.objects.in_scope(request.user).select_related("parent")
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if kind:
        qs = qs.of_kind(kind)
    return paged(qs.order_by("code"), limit, offset, unit_out)


@router.get("/units/{code}", response=responses({200: UnitOut}, 404))
def unit_detail(request, code: str = CODE):
    return unit_out(scoped_unit(request.user, code))


@router.get("/units/{code}/stats", response=responses({200: UnitStats}, 404))
def unit_stats(request, code: str = CODE):
    """Households and persons of the unit and everything below it."""
    unit = scoped_unit(request.user, code)
    persons = Person.objects.in_scope(request.user).below(unit.code)
    households = Household.objects.in_scope(request.user).below(unit.code)
    t = stats.totals(persons, households)
    return {
        "unit": unit.code,
        "households": t["households"],
        "households_resident": t["households_living"],
        "persons": t["persons"],
        "persons_resident": t["persons_living"],
        "party_members": t["party"],
    }
