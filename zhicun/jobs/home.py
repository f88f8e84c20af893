"""The jobs panel on the 工作台 home of those who match villagers to openings."""

from django.urls import reverse

from zhicun.jobs.matching import eligible
from zhicun.jobs.models import Opening


def panels(request) -> list[dict]:
    user = request.user
    if not user.can("jobs.edit"):
        return []
    return [
        {
            "template": "panel_links.html",
            "title": "就业帮扶",
            "links": [
                {
                    "label": "招聘中的岗位",
                    "url": reverse("jobs:openings"),
                    "icon": "briefcase",
                    "count": Opening.objects.visible_to(user).open().count(),
                },
                {
                    "label": "有劳动能力、未就业的村民",
                    "url": reverse("jobs:stats"),
                    "icon": "people",
                    "count": eligible(user).count(),
                },
            ],
        }
    ]
