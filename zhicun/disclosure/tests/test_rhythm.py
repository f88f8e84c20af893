import datetime as dt

import time_machine

from zhicun.disclosure import services
from zhicun.disclosure.models import DisclosureSettings, Kind


def test_it_computes_the_period_that_should_be_disclosed():
    assert services.due_period_end(1, dt.date(2026, 11, 5)) == dt.date(2026, 9, 30)
    assert services.due_period_end(1, dt.date(2026, 11, 20)) == dt.date(2026, 10, 31)
    assert services.due_period_end(3, dt.date(2026, 11, 20)) == dt.date(2026, 9, 30)
    assert services.due_period_end(3, dt.date(2026, 10, 5)) == dt.date(2026, 6, 30)


def test_it_names_late_villages_and_the_completion_rate(
    published, dashihao, jiandu, village, other_village
):
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=dt.UTC), tick=False):
        published(
            kind=Kind.AFFAIRS,
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 9, 30),
        )
        fin = services.publication_create(
            by=dashihao,
            unit=village,
            kind=Kind.FINANCE,
            title="10月财务",
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 10, 31),
        )
        services.publication_submit(by=dashihao, publication=fin)
        services.publication_approve(by=jiandu, publication=fin)
        result = services.disclosure_completion([village, other_village])
    assert [r["unit"] for r in result["late"]] == [other_village]
    assert (result["on_time"], result["total"], result["rate"]) == (1, 2, 0.5)


def test_it_follows_a_village_setting(published, village):
    DisclosureSettings.objects.create(unit=village, affairs_months=1, finance_months=12)
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=dt.UTC), tick=False):
        published(period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31))
        result = services.disclosure_completion([village])
    row = result["rows"][0]
    assert row["affairs_ok"] is True
    assert row["finance_due"] == dt.date(2025, 12, 31) and row["finance_ok"] is False


def test_villages_on_different_rhythms_are_held_to_their_own_due_dates(
    published, village, other_village, xiaoshihao
):
    """The same third-quarter disclosure is on time for a quarterly village and late for one
    that discloses its affairs monthly."""
    DisclosureSettings.objects.create(unit=village, affairs_months=1)
    quarter = {"period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 9, 30)}
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=dt.UTC), tick=False):
        published(**quarter)
        other = services.publication_create(
            by=xiaoshihao, unit=other_village, kind=Kind.AFFAIRS, title="三季度村务", **quarter
        )
        services.publication_submit(by=xiaoshihao, publication=other)
        services.publication_approve(by=xiaoshihao, publication=other)
        result = services.disclosure_completion([village, other_village])
    rows = {r["unit"]: r for r in result["rows"]}
    assert (rows[village]["affairs_due"], rows[village]["affairs_ok"]) == (
        dt.date(2026, 10, 31),
        False,
    )
    assert (rows[other_village]["affairs_due"], rows[other_village]["affairs_ok"]) == (
        dt.date(2026, 9, 30),
        True,
    )
