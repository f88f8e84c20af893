"""Data scope from every side (SPEC §2), on the unit tree; each business app adds its own."""

import pytest

from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, MALIANQU, XIAOSHIHAO
from zhicun.units.models import Unit


def codes(user):
    return set(Unit.objects.in_scope(user).values_list("code", flat=True))


def test_a_grid_manager_sees_nothing_of_the_other_grid(grid1):
    seen = codes(grid1)
    assert GRID1 in seen
    assert not any(c.startswith(GRID2) for c in seen)
    assert DAISHIHAO not in seen


def test_the_chief_sees_both_grids(dashihao):
    seen = codes(dashihao)
    assert {GRID1, GRID2} <= seen
    assert not any(c.startswith(XIAOSHIHAO) for c in seen)


def test_the_township_command_centre_sees_its_villages_only(malianqu):
    seen = codes(malianqu)
    assert {DAISHIHAO, XIAOSHIHAO} <= seen
    assert all(c.startswith(MALIANQU) for c in seen)


def test_another_villages_chief_sees_nothing_of_daishihao(xiaoshihao):
    assert not any(c.startswith(DAISHIHAO) for c in codes(xiaoshihao))


def test_an_instructor_sees_the_union_of_posts(baocun):
    seen = codes(baocun)
    assert {DAISHIHAO, XIAOSHIHAO} <= seen
    assert MALIANQU not in seen
    assert baocun.scope_codes == (DAISHIHAO, XIAOSHIHAO)


@pytest.mark.parametrize("name", ["admin", "secadmin", "auditor"])
def test_administrators_see_no_business_data(django_user_model, district, name):
    user = django_user_model.objects.get(username=name)
    assert codes(user) == set()
    assert not user.can("business.view")


def test_counts_leak_nothing(grid1, grid2):
    assert Unit.objects.in_scope(grid1).count() == 1 + 4
    assert Unit.objects.in_scope(grid2).filter(code__startswith=GRID1).count() == 0


def test_an_inactive_user_sees_nothing(grid1):
    grid1.is_active = False
    assert codes(grid1) == set()


def test_permissions_apply_at_the_post_unit_and_below(collector1, grid1):
    hamlet_a, hamlet_b = GRID1 + "001", GRID1 + "002"
    assert collector1.can("registry.edit", hamlet_a)
    assert not collector1.can("registry.edit", hamlet_b)
    assert grid1.can("registry.edit", hamlet_b)
    assert not grid1.can("registry.edit", GRID2 + "001")


def test_a_users_posts_are_read_in_unit_code_order(baocun):
    from zhicun.accounts.models import Post, User
    from zhicun.accounts.roles import Role

    # A post added after the others, at a unit whose code sorts first.
    Post.objects.create(user=baocun, role=Role.COMMAND, unit=Unit.objects.get(code=MALIANQU))
    user = User.objects.get(pk=baocun.pk)
    listed = [p.unit.code for p in user.post_list]
    assert listed == sorted(listed) and listed[0] == MALIANQU and len(listed) >= 3
    assert all(p.user is user for p in user.post_list)
