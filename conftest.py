"""The cast of characters used across tests: the demo district's units and staff.

collector1 (hamlet A of grid 1), grid1 / grid2 (managers), dashihao (大十号村 chief),
xiaoshihao (小十号村 chief, the outsider village), baocun (instructor of both villages),
malianqu (township command centre), jining (district command centre), jiandu (supervisor),
admin / secadmin / auditor (no business data).
"""

import pytest

from zhicun.accounts.models import User
from zhicun.demo.management.commands.seed_demo import seed_accounts, seed_units
from zhicun.units.models import Unit


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):
    seed_units()
    seed_accounts()
    return {u.code: u for u in Unit.objects.all()}


def _user(name):
    @pytest.fixture
    def fixture(district):
        return User.objects.get(username=name)

    return fixture


collector1 = _user("collector1")
grid1 = _user("grid1")
grid2 = _user("grid2")
dashihao = _user("dashihao")
xiaoshihao = _user("xiaoshihao")
baocun = _user("baocun")
malianqu = _user("malianqu")
jining = _user("jining")
jiandu = _user("jiandu")
admin_user = _user("admin")
secadmin = _user("secadmin")
auditor = _user("auditor")


@pytest.fixture
def unit(district):
    """Look a demo unit up by code: unit("150902200201")."""
    return lambda code: Unit.objects.get(code=code)


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do
