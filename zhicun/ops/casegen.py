"""Cases over the last year for generated villages, written in bulk with their history.

Most old cases are closed (resolved, replied, rated); recent ones are spread over the flow; a
running case carries the deadline and light the services would have given it, and each case the
events of the steps it went through. Case numbers advance the daily counters the services use, so
cases reported later continue the sequence.
"""

import datetime as dt
import random

from django.db.models import Max
from django.utils import timezone

from zhicun.cases.defaults import ensure_defaults
from zhicun.cases.demo import RESULTS, SAMPLES
from zhicun.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Category,
    Rating,
    ReplyMethod,
    Source,
    State,
)
from zhicun.lib import lights
from zhicun.ops.bulk import BulkWriter
from zhicun.registry.demo import weighted
from zhicun.units.models import Unit

# (state, weight) for cases reported in the last 30 days; older ones are nearly all closed.
RECENT_FATES = [
    (State.CLOSED, 45),
    (State.RATED, 5),
    (State.REPLIED, 5),
    (State.RESOLVED, 5),
    (State.IN_PROGRESS, 20),
    (State.ACCEPTED, 10),
    (State.REPORTED, 5),
    (State.PARKED, 5),
]
OLD_FATES = [(State.CLOSED, 94), (State.RATED, 2), (State.PARKED, 2), (State.IN_PROGRESS, 2)]
# The steps to each state, as services.TRANSITIONS names them.
STEPS = {
    State.REPORTED: ["report"],
    State.ACCEPTED: ["report", "accept"],
    State.IN_PROGRESS: ["report", "accept", "start"],
    State.PARKED: ["report", "accept", "start", "park"],
    State.RESOLVED: ["report", "accept", "start", "resolve"],
    State.REPLIED: ["report", "accept", "start", "resolve", "reply"],
    State.RATED: ["report", "accept", "start", "resolve", "reply", "rate"],
    State.CLOSED: ["report", "accept", "start", "resolve", "reply", "rate", "close"],
}
STATE_AFTER = {
    "report": State.REPORTED,
    "accept": State.ACCEPTED,
    "start": State.IN_PROGRESS,
    "park": State.PARKED,
    "resolve": State.RESOLVED,
    "reply": State.REPLIED,
    "rate": State.RATED,
    "close": State.CLOSED,
}
RUNNING = (State.ACCEPTED, State.IN_PROGRESS)


class CaseMaker:
    def __init__(self, seed: str, writer: BulkWriter | None = None, now=None):
        ensure_defaults()
        self.seed = seed
        self.rng = random.Random(seed)
        self.writer = writer or BulkWriter()
        self.now = now or timezone.now()
        by_name = {c.name: c for c in Category.objects.select_related("default_urgency")}
        self.samples = [(by_name[c], title, text) for c, title, text in SAMPLES if c in by_name]
        self.counters: dict[tuple[str, dt.date], int] = {}
        self.lane = (0, 1)

    def number(self, code: str, at: dt.datetime) -> str:
        """The next number of the county's day; with lanes (k, n) only every n-th, so that
        makers side by side never give the same number (save_counters keeps the highest)."""
        prefix, day = code[:6], timezone.localtime(at).date()
        key = (prefix, day)
        lane, lanes = self.lane
        if key not in self.counters:
            found = CaseCounter.objects.filter(prefix=prefix, day=day).aggregate(m=Max("last"))
            self.counters[key] = (found["m"] or 0) + lane + 1 - lanes
        self.counters[key] += lanes
        return f"{prefix}-{day:%Y%m%d}-{self.counters[key]:04d}"

    def make(
        self,
        village: Unit,
        count: int,
        *,
        days: int = 365,
        fates: list | None = None,
    ) -> int:
        """`count` cases arising in `village`, reported over the last `days` days."""
        self.rng = random.Random(f"{self.seed}-{village.code}")
        township = village.parent
        cases, events = [], []
        for _ in range(count):
            case = self.case(village, township, days, fates)
            cases.append(case)
            events.extend(self.history(case))
        self.writer.write(Case, cases)
        self.writer.write(CaseEvent, events)
        return len(cases)

    def case(self, village: Unit, township: Unit, days: int, fates) -> Case:
        rng, now = self.rng, self.now
        category, title, description = rng.choice(self.samples)
        urgency = category.default_urgency
        reported = now - dt.timedelta(seconds=rng.uniform(0, days * 86400))
        age_days = (now - reported).days
        state = weighted(rng, fates or (RECENT_FATES if age_days < 30 else OLD_FATES))
        escalated = rng.random() < 0.06
        responsible = township if escalated else village
        case = Case(
            number=self.number(village.code, reported),
            title=title,
            description=description,
            category=category,
            urgency=urgency,
            source=weighted(
                rng,
                [
                    (Source.STAFF, 50),
                    (Source.VISIT, 20),
                    (Source.PHONE, 15),
                    (Source.WALK_IN, 10),
                    (Source.HOTLINE, 5),
                ],
            ),
            reporter_name="",
            origin_unit=village,
            origin_code=village.code,
            responsible_unit=responsible,
            responsible_code=responsible.code,
            escalated_from_code=village.code if escalated else "",
            escalation_count=int(escalated),
            state=state,
            reported_at=reported,
        )
        if state == State.REPORTED:
            return case
        accepted = reported + dt.timedelta(hours=rng.uniform(0.2, 20))
        case.accepted_at = min(accepted, now)
        case.clock_working = urgency.working
        case.clock_limit = urgency.limit
        case.clock_started_at = case.accepted_at
        case.deadline, case.yellow_at = lights.place(
            case.accepted_at, urgency.limit, urgency.limit, urgency.working
        )
        if state in RUNNING:
            case.light = lights.light_of(case.deadline, case.yellow_at, now)
            return case
        if state == State.PARKED:
            case.park_reason = "需上级协调资金，暂时挂账"
            case.paused_remaining = urgency.limit / 2
            case.deadline = case.yellow_at = None
            return case
        on_time = rng.random() < 0.9
        span = (case.deadline - case.accepted_at).total_seconds()
        resolved = case.accepted_at + dt.timedelta(
            seconds=span * (rng.uniform(0.2, 0.95) if on_time else rng.uniform(1.05, 2))
        )
        case.resolved_at = min(resolved, now)
        case.resolved_on_time = case.resolved_at <= case.deadline
        case.result = rng.choice(RESULTS)
        case.deadline = case.yellow_at = None
        if state == State.RESOLVED:
            return case
        case.replied_at = min(case.resolved_at + dt.timedelta(hours=rng.uniform(1, 30)), now)
        case.reply_method = weighted(
            rng, [(ReplyMethod.PHONE, 5), (ReplyMethod.VISIT, 3), (ReplyMethod.MESSAGE, 2)]
        )
        case.reply_note = "已将办理结果告知反映人"
        if state == State.REPLIED:
            return case
        case.rated_at = min(case.replied_at + dt.timedelta(hours=rng.uniform(1, 48)), now)
        case.rating = weighted(
            rng, [(Rating.SATISFIED, 85), (Rating.BASIC, 12), (Rating.UNSATISFIED, 3)]
        )
        if state == State.CLOSED:
            case.closed_at = min(case.rated_at + dt.timedelta(hours=rng.uniform(1, 72)), now)
        return case

    def history(self, case: Case) -> list[CaseEvent]:
        times = {
            "report": case.reported_at,
            "accept": case.accepted_at,
            "start": case.accepted_at,
            "park": case.accepted_at,
            "resolve": case.resolved_at,
            "reply": case.replied_at,
            "rate": case.rated_at,
            "close": case.closed_at,
        }
        events, before = [], ""
        for action in STEPS[case.state]:
            after = STATE_AFTER[action]
            events.append(
                CaseEvent(
                    case=case,
                    at=times[action],
                    action=action,
                    from_state=before,
                    to_state=after,
                    unit_code=case.responsible_code,
                    note=case.result if action == "resolve" else "",
                )
            )
            before = after
        return events


def save_counters(counters: dict[tuple[str, dt.date], int]) -> None:
    """Advance the daily counters to the highest numbers given, so the services continue."""
    for (prefix, day), last in counters.items():
        counter, _ = CaseCounter.objects.get_or_create(prefix=prefix, day=day)
        if counter.last < last:
            CaseCounter.objects.filter(pk=counter.pk).update(last=last)
