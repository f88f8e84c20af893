import pytest
from django.core.exceptions import ValidationError

from zhicun.demo.district import DAISHIHAO, GRID1, HAMLET_A
from zhicun.units.models import Kind, Unit, check_code


def test_it_accepts_a_hamlet_under_its_grid(unit):
    check_code(GRID1 + "009", Kind.HAMLET, unit(GRID1))


@pytest.mark.parametrize(
    "code, kind, message",
    [
        ("15090220020100101", Kind.HAMLET, "应为 18 位数字"),
        ("15090220020100A001", Kind.HAMLET, "只能由数字组成"),
        ("150902200202001001", Kind.HAMLET, "必须以上级代码"),
        (GRID1 + "000", Kind.HAMLET, "不能全为 0"),
    ],
)
def test_it_refuses_bad_codes(unit, code, kind, message):
    with pytest.raises(ValidationError) as e:
        check_code(code, kind, unit(GRID1))
    assert message in str(e.value)


def test_it_refuses_a_kind_that_skips_a_level(unit):
    with pytest.raises(ValidationError) as e:
        check_code(DAISHIHAO + "001001", Kind.HAMLET, unit(DAISHIHAO))
    assert "上级应为网格" in str(e.value)


def test_below_is_one_prefix_query(unit, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = list(Unit.objects.below(DAISHIHAO).values_list("code", flat=True))
    assert DAISHIHAO in codes and HAMLET_A in codes
    assert len(codes) == 1 + 2 + 8  # the village, two grids, eight hamlets
    assert not any(c.startswith("150902200202") for c in codes)


def test_ancestors_follow_the_code(unit):
    names = [u.name for u in unit(HAMLET_A).ancestors()]
    assert names == ["集宁区", "马莲渠乡", "大十号村", "第一网格"]
