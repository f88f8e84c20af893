"""The support panel on the 工作台 home of chiefs, township and county staff."""

from django.urls import reverse
from django.utils import timezone

from zhicun.support import services
from zhicun.support.models import Review, SupportedHousehold
from zhicun.support.stats import flagged_cards

PANEL_PERMS = (
    "support.edit",
    "support.review_village",
    "support.review_township",
    "support.review_county",
)


def flagged_count(user, year: int) -> int:
    """Households in scope whose income card of `year` is flagged."""
    return flagged_cards(user, year).values("household").distinct().count()


def reviews_waiting_for(user) -> int:
    pending = (
        Review.objects.in_scope(user)
        .filter(state__in=Review.OPEN_STATES)
        .values_list("state", "supported__household__hamlet__code")
    )
    return sum(1 for state, code in pending if services.may_decide(user, state, code))


def panels(request) -> list[dict]:
    user = request.user
    if not any(user.can(p) for p in PANEL_PERMS):
        return []
    year = timezone.localdate().year
    flagged = flagged_count(user, year)
    waiting = reviews_waiting_for(user)
    base = reverse("support:list")
    return [
        {
            "template": "panel_links.html",
            "title": "帮扶监测",
            "links": [
                {
                    "label": f"{year} 年收入低于监测标准或大幅下降",
                    "url": f"{base}?flagged=1",
                    "icon": "exclamation-triangle",
                    "count": flagged,
                    "badge": "text-bg-danger" if flagged else "text-bg-secondary",
                },
                {
                    "label": "待我办理的监测评议",
                    "url": reverse("support:reviews"),
                    "icon": "clipboard-check",
                    "count": waiting,
                    "badge": "text-bg-warning" if waiting else "text-bg-secondary",
                },
                {
                    "label": "监测中的户",
                    "url": f"{base}?status=monitoring",
                    "icon": "heart-pulse",
                    "count": SupportedHousehold.objects.in_scope(user).monitoring().count(),
                },
            ],
        }
    ]
