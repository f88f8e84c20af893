import datetime

import pytest

from zhicun.jobs import services
from zhicun.jobs.matching import candidates

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


def test_it_ranks_skills_then_age_then_labour(opening, villagers, dashihao):
    ranked = candidates(opening, dashihao, today=TODAY)
    names = [c.person.name for c in ranked]
    assert names == ["赵志刚", "赵志强", "赵秀英", "赵志勇"]
    top = ranked[0]
    assert "技能匹配：驾驶" in top.reasons
    assert "与工作地点同村" in top.reasons
    assert "技能劳动力" in top.reasons
    assert any("超出 20–55 岁要求" in c for c in ranked[-1].cautions)


def test_it_leaves_out_the_employed_the_unable_and_children(opening, villagers, dashihao):
    names = {c.person.name for c in candidates(opening, dashihao, today=TODAY)}
    assert not names & {"赵志明", "赵小兵", "赵小宝", "赵大山"}


def test_it_only_lists_people_in_the_users_scope(
    opening, villagers, outsider, dashihao, xiaoshihao
):
    assert outsider.pk not in {c.person.pk for c in candidates(opening, dashihao, today=TODAY)}
    assert [c.person.pk for c in candidates(opening, xiaoshihao, today=TODAY)] == [outsider.pk]


def test_it_ranks_refusals_last(opening, villagers, dashihao):
    services.event_record(
        by=dashihao, opening=opening, person=villagers["driver"], kind="refusal", date=TODAY
    )
    ranked = candidates(opening, dashihao, today=TODAY)
    assert ranked[-1].person == villagers["driver"]
    assert "曾拒绝或未被录用此岗位" in ranked[-1].cautions


def test_it_filters_by_sex_only_when_the_opening_says_so(opening, villagers, dashihao):
    opening.sex, opening.sex_reason = "1", "井下作业（女职工禁忌从事的劳动范围）"
    opening.save()
    names = {c.person.name for c in candidates(opening, dashihao, today=TODAY)}
    assert "赵秀英" not in names
