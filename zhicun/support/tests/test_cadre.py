import datetime

import pytest
from django.core.exceptions import ValidationError

from zhicun.support import services
from zhicun.support.models import CadreAssignment

pytestmark = pytest.mark.django_db


def test_it_keeps_the_history_of_responsible_cadres(supported, dashihao):
    services.cadre_assign(
        by=dashihao,
        supported=supported,
        name="周明",
        unit_name="集宁区农牧局",
        phone="13804741234",
        start_date=datetime.date(2021, 3, 1),
    )
    services.cadre_assign(
        by=dashihao,
        supported=supported,
        name="吴芳",
        unit_name="马莲渠乡政府",
        start_date=datetime.date(2024, 1, 1),
    )
    rows = list(CadreAssignment.objects.order_by("start_date"))
    assert [(r.name, r.end_date) for r in rows] == [
        ("周明", datetime.date(2023, 12, 31)),
        ("吴芳", None),
    ]
    assert supported.current_cadre.name == "吴芳"
    assert rows[0].masked_phone == "138****1234"


def test_it_refuses_a_start_before_the_current_term(supported, dashihao):
    services.cadre_assign(
        by=dashihao,
        supported=supported,
        name="周明",
        unit_name="农牧局",
        start_date=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.cadre_assign(
            by=dashihao,
            supported=supported,
            name="吴芳",
            unit_name="乡政府",
            start_date=datetime.date(2023, 1, 1),
        )
    assert CadreAssignment.objects.get().end_date is None
