import pytest

from zhicun.demo.district import DAISHIHAO, HAMLET_A, XIAOSHIHAO


@pytest.fixture
def village(unit):
    return unit(DAISHIHAO)


@pytest.fixture
def other_village(unit):
    return unit(XIAOSHIHAO)


@pytest.fixture
def hamlet(unit):
    return unit(HAMLET_A)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
