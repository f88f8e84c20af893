import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import GRID1, GRID2, HAMLET_A, XIAOSHIHAO
from zhicun.units.models import Unit, UnitMove
from zhicun.units.services import unit_move


def test_it_moves_a_hamlet_to_another_grid_and_keeps_history(unit, admin_user):
    hamlet = unit(HAMLET_A)
    unit_move(by=admin_user, unit=hamlet, new_parent=unit(GRID2), note="调整网格")
    hamlet.refresh_from_db()
    assert hamlet.parent.code == GRID2
    assert hamlet.code.startswith(GRID2) and len(hamlet.code) == 18
    move = UnitMove.objects.get(unit=hamlet)
    assert (move.old_code, move.new_code) == (HAMLET_A, hamlet.code)
    assert AuditEvent.objects.filter(action="unit.move", object_id=str(hamlet.pk)).exists()
    assert hamlet in Unit.objects.below(GRID2)


def test_it_keeps_the_suffix_when_free_and_picks_another_when_taken(unit, admin_user):
    hamlet = unit(HAMLET_A)  # suffix 001 is taken in grid 2
    unit_move(by=admin_user, unit=hamlet, new_parent=unit(GRID2))
    assert hamlet.code == GRID2 + "005"
    hamlet2 = unit(GRID1 + "002")
    unit_move(by=admin_user, unit=hamlet2, new_parent=unit(GRID2))
    assert hamlet2.code == GRID2 + "006"


def test_it_moves_a_grid_with_its_hamlets(unit, admin_user):
    grid = unit(GRID2)
    unit_move(by=admin_user, unit=grid, new_parent=unit(XIAOSHIHAO))
    assert grid.code == XIAOSHIHAO + "002"
    assert Unit.objects.below(grid.code).filter(kind="hamlet").count() == 4


def test_it_refuses_a_parent_of_the_wrong_level(unit, admin_user):
    with pytest.raises(ValidationError):
        unit_move(by=admin_user, unit=unit(HAMLET_A), new_parent=unit(XIAOSHIHAO))
    assert unit(HAMLET_A).parent.code == GRID1


def test_it_refuses_a_user_without_the_permission(unit, dashihao):
    with pytest.raises(PermissionDenied):
        unit_move(by=dashihao, unit=unit(HAMLET_A), new_parent=unit(GRID2))
    assert not UnitMove.objects.exists()
