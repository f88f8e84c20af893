import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.cases.models import Case, Category
from zhicun.disclosure import services
from zhicun.disclosure.models import Kind, Status


@pytest.fixture
def entry(dashihao, village):
    return services.log_entry_create(
        by=dashihao,
        unit=village,
        date=dt.date.today(),
        happened="走访东梁",
        raised="村口水管冻裂",
        done="已联系水管站",
    )


def test_it_publishes_an_entry_after_review(entry, dashihao):
    pub = services.log_entry_publish(by=dashihao, entry=entry)
    assert pub.kind == Kind.LOG and pub.status == Status.REVIEW
    assert "## 群众反映\n村口水管冻裂" in pub.body
    services.publication_approve(by=dashihao, publication=pub)
    pub.refresh_from_db()
    assert pub.status == Status.PUBLISHED
    with pytest.raises(ValidationError, match="已提交"):
        services.log_entry_publish(by=dashihao, entry=entry)


def test_it_opens_a_case_through_the_cases_service(entry, dashihao):
    category = Category.objects.filter(parent__isnull=False).first()
    case = services.log_entry_open_case(
        by=dashihao, entry=entry, title="村口水管冻裂", category=category
    )
    entry.refresh_from_db()
    assert entry.case_number == case.number
    assert Case.objects.get().description == "村口水管冻裂"
    with pytest.raises(ValidationError, match="已生成事件"):
        services.log_entry_open_case(by=dashihao, entry=entry, title="x", category=category)


def test_it_refuses_entries_from_outsiders_and_future_dates(village, xiaoshihao, dashihao):
    with pytest.raises(PermissionDenied):
        services.log_entry_create(by=xiaoshihao, unit=village, date=dt.date.today(), happened="x")
    with pytest.raises(ValidationError):
        services.log_entry_create(
            by=dashihao, unit=village, date=dt.date.today() + dt.timedelta(days=1), happened="x"
        )
