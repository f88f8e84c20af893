import pytest

from zhicun.demo.district import DAISHIHAO, HAMLET_A, XIAOSHIHAO
from zhicun.disclosure import services
from zhicun.disclosure.models import Kind


@pytest.fixture
def village(unit):
    return unit(DAISHIHAO)


@pytest.fixture
def other_village(unit):
    return unit(XIAOSHIHAO)


@pytest.fixture
def hamlet(unit):
    return unit(HAMLET_A)


@pytest.fixture
def draft(dashihao, village):
    def make(
        kind=Kind.AFFAIRS, title="2026年第三季度村务公开", body="本季度修缮村道 2 公里。", **kw
    ):
        return services.publication_create(
            by=dashihao, unit=village, kind=kind, title=title, body=body, **kw
        )

    return make


@pytest.fixture
def published(draft, dashihao):
    def make(**kw):
        pub = draft(**kw)
        services.publication_submit(by=dashihao, publication=pub)
        return services.publication_approve(by=dashihao, publication=pub)

    return make


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
