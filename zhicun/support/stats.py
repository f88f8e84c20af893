"""Support figures for the home panels and the command-centre dashboards, inside the user's
scope: supported households by type and status, flagged income cards, open reviews."""

from django.db.models import Count

from zhicun.support.models import IncomeCard, Review, SupportedHousehold


def flagged_cards(user, year: int):
    """Income cards of `year` in scope that are below the threshold or fell sharply."""
    return IncomeCard.objects.in_scope(user).filter(year=year).flagged()


def summary(user, year: int) -> dict:
    records = SupportedHousehold.objects.in_scope(user)
    by_kind_status = {
        (row["kind"], row["status"]): row["n"]
        for row in records.values("kind", "status").annotate(n=Count("id"))
    }
    # Flagged rows are few; counting them here avoids aggregating over CASE annotations.
    rows = list(flagged_cards(user, year).values_list("household_id", "below", "dropped"))
    flags = {
        "any": len({h for h, _, _ in rows}),
        "below": len({h for h, below, _ in rows if below}),
        "dropped": len({h for h, _, dropped in rows if dropped}),
    }
    return {
        "year": year,
        "households": sum(by_kind_status.values()),
        "by_kind_status": by_kind_status,
        "flagged": flags["any"],
        "below_threshold": flags["below"],
        "income_dropped": flags["dropped"],
        "open_reviews": Review.objects.in_scope(user).filter(state__in=Review.OPEN_STATES).count(),
    }
