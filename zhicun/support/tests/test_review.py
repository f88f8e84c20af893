import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.support import services
from zhicun.support.models import (
    Direction,
    Kind,
    Review,
    ReviewState,
    Status,
    Step,
    SupportedHousehold,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(supported, dashihao):
    return services.review_open(
        by=dashihao,
        supported=supported,
        direction=Direction.ENTER,
        reason="户主突发大病，医疗支出大",
        monitor_type="1",
        risk_types=["01"],
    )


def decide(review, by, step, decision="approve", opinion="同意"):
    return services.review_decide(
        by=by, review=review, step=step, decision=decision, opinion=opinion
    )


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_enters_monitoring_only_after_the_county_approves(
    review, supported, dashihao, baocun, jining
):
    decide(review, dashihao, Step.VILLAGE, opinion="村民代表会议评议通过")
    supported.refresh_from_db()
    assert supported.status == Status.STABLE
    decide(review, baocun, Step.TOWNSHIP, opinion="入户核实属实")
    supported.refresh_from_db()
    assert supported.status == Status.STABLE
    decide(review, jining, Step.COUNTY, opinion="确定为监测对象")
    review.refresh_from_db()
    supported.refresh_from_db()
    assert review.state == ReviewState.APPROVED
    assert supported.status == Status.MONITORING
    assert supported.kind == Kind.JIANCE and supported.monitor_type == "1"
    steps = list(review.steps.values_list("step", "by__username", "opinion"))
    assert steps == [
        ("village", "dashihao", "村民代表会议评议通过"),
        ("township", "baocun", "入户核实属实"),
        ("county", "jining", "确定为监测对象"),
    ]
    assert AuditEvent.objects.filter(object_type="support.supportedhousehold").exists()


def test_it_lets_the_township_command_centre_do_the_township_step(review, dashihao, malianqu):
    decide(review, dashihao, Step.VILLAGE)
    decide(review, malianqu, Step.TOWNSHIP)
    review.refresh_from_db()
    assert review.state == ReviewState.COUNTY


def test_it_ends_the_review_on_a_refusal(review, supported, dashihao, malianqu, jining):
    decide(review, dashihao, Step.VILLAGE)
    decide(review, malianqu, Step.TOWNSHIP, decision="refuse", opinion="收入未低于标准")
    review.refresh_from_db()
    supported.refresh_from_db()
    assert review.state == ReviewState.REFUSED
    assert supported.status == Status.STABLE
    with pytest.raises(ValidationError):
        decide(review, jining, Step.COUNTY)
    assert review.steps.count() == 2


def test_it_refuses_steps_out_of_order(review, jining):
    with pytest.raises(ValidationError) as e:
        decide(review, jining, Step.COUNTY)
    assert "当前环节是“待村级评议”" in e.value.messages[0]
    assert review.steps.count() == 0


def test_it_refuses_the_village_step_to_another_village_chief(review, xiaoshihao):
    with pytest.raises(PermissionDenied):
        decide(review, xiaoshihao, Step.VILLAGE)
    review.refresh_from_db()
    assert review.state == ReviewState.VILLAGE


def test_it_refuses_the_township_step_to_the_chief_and_the_county(review, dashihao, jining):
    decide(review, dashihao, Step.VILLAGE)
    for user in (dashihao, jining):
        with pytest.raises(PermissionDenied):
            decide(review, user, Step.TOWNSHIP)
    review.refresh_from_db()
    assert review.state == ReviewState.TOWNSHIP


def test_it_refuses_the_county_step_to_the_township(review, dashihao, malianqu):
    decide(review, dashihao, Step.VILLAGE)
    decide(review, malianqu, Step.TOWNSHIP)
    with pytest.raises(PermissionDenied):
        decide(review, malianqu, Step.COUNTY)


def test_it_requires_an_opinion(review, dashihao):
    with pytest.raises(ValidationError):
        decide(review, dashihao, Step.VILLAGE, opinion="  ")
    assert review.steps.count() == 0


def test_it_allows_one_open_review_per_household(review, supported, dashihao):
    with pytest.raises(ValidationError):
        services.review_open(
            by=dashihao,
            supported=supported,
            direction=Direction.ENTER,
            reason="再次申请",
            monitor_type="1",
            risk_types=["01"],
        )
    assert Review.objects.count() == 1


def test_it_removes_the_risk_after_an_exit_review(household, dashihao, malianqu, jining):
    record = SupportedHousehold.objects.create(
        household=household,
        kind=Kind.JIANCE,
        monitor_type="2",
        year_identified=2022,
        status=Status.MONITORING,
    )
    review = services.review_open(
        by=dashihao, supported=record, direction=Direction.EXIT, reason="务工收入稳定"
    )
    decide(review, dashihao, Step.VILLAGE)
    decide(review, malianqu, Step.TOWNSHIP)
    decide(review, jining, Step.COUNTY)
    record.refresh_from_db()
    assert record.status == Status.RISK_REMOVED


def test_it_opens_an_entry_review_for_a_new_monitored_household(household, dashihao):
    record = services.supported_create(
        by=dashihao,
        household=household,
        kind=Kind.JIANCE,
        year_identified=2026,
        monitor_type="3",
        risk_types=["04"],
        notes="冰雹灾害，房屋受损",
    )
    assert record.status == Status.PROPOSED
    assert record.open_review().state == ReviewState.VILLAGE
