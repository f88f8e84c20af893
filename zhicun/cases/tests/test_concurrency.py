"""Two people at once: numbers stay unique, a double-submitted form makes one case, and the
second of two editors is told the case changed (PostgreSQL runs real threads)."""

import threading

import pytest
from django.db import connection, connections

from zhicun.cases import services
from zhicun.cases.models import Case, State
from zhicun.cases.tests.factories import report
from zhicun.lib.versioning import ConflictError

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections"
)


def race(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(fn())
        except Exception as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_it_tells_the_second_writer_with_a_stale_version(collector1, dashihao, malianqu):
    case = report(collector1)
    seen_by_both = case.version
    services.case_transition(case=case, action="accept", by=dashihao, version=seen_by_both)
    with pytest.raises(ConflictError) as e:
        services.case_transition(
            case=case, action="return_info", by=dashihao, note="补充", version=seen_by_both
        )
    assert "已被他人处理" in e.value.message
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_numbers_cases_reported_at_once_without_gaps_or_duplicates(district, collector1):
    from zhicun.cases.defaults import ensure_defaults

    ensure_defaults()
    results, errors = race(6, lambda: report(collector1).number)
    assert errors == []
    assert sorted(int(n[-4:]) for n in results) == [1, 2, 3, 4, 5, 6]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_makes_one_case_of_a_form_submitted_twice_at_once(district, collector1):
    from zhicun.cases.defaults import ensure_defaults

    ensure_defaults()
    results, errors = race(4, lambda: report(collector1, idempotency_key="same-form").pk)
    assert errors == []
    assert len(set(results)) == 1
    assert Case.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_lets_one_of_two_simultaneous_acceptances_win(district, collector1, dashihao):
    from zhicun.cases.defaults import ensure_defaults

    ensure_defaults()
    case = report(collector1)
    version = case.version

    def accept():
        services.case_transition(
            case=Case.objects.get(pk=case.pk), action="accept", by=dashihao, version=version
        )
        return "ok"

    results, errors = race(3, accept)
    assert results == ["ok"]
    assert len(errors) == 2
    assert all(isinstance(e, (ConflictError, services.CaseError)) for e in errors)
    case.refresh_from_db()
    assert case.events.filter(action="accept").count() == 1
