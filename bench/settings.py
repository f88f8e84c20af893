"""The platform's settings plus one trivial page: the fixed cost of a logged-in request."""

from zhicun.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Measured as deployed: no debug bookkeeping (query log, template debug info).
DEBUG = False
TEMPLATES[0]["OPTIONS"]["debug"] = False  # noqa: F405
