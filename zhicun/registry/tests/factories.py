"""Small builders for registry test data: valid ID numbers, households with members."""

import datetime
import itertools

from zhicun.lib.idnumber import make_id_number
from zhicun.registry.models import Household, Person

_seq = itertools.count(1)


def id_number(birth: datetime.date, sex: str = "1", place: str = "150902") -> str:
    n = next(_seq) * 2 + (1 if sex == "1" else 0)
    return make_id_number(place, birth, n)


def person(household: Household, name: str, birth=(1970, 1, 1), sex="1", relation="20", **kw):
    birth = datetime.date(*birth) if isinstance(birth, tuple) else birth
    kw.setdefault("id_number", id_number(birth, sex))
    return Person.objects.create(
        household=household,
        hamlet=household.hamlet,
        name=name,
        sex=sex,
        birth_date=birth,
        relation=relation,
        **kw,
    )


def household(hamlet, head_name="张三", number=None, head_birth=(1960, 5, 1), head_sex="1", **kw):
    number = number or f"{hamlet.code}{next(_seq):04d}"
    h = Household.objects.create(hamlet=hamlet, number=number, **kw)
    head = person(h, head_name, birth=head_birth, sex=head_sex, relation="02")
    h.head = head
    h.save(update_fields=["head"])
    return h
