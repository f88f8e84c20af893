"""Demo data of the interfaces: a registered Open311 application with a well-known key."""

from zhicun.accounts.models import User
from zhicun.api.models import Open311Application
from zhicun.api.services import open311_app_register
from zhicun.demo.district import COUNTY

DEMO_APP = "演示第三方应用"
DEMO_KEY = "demo-open311-key"


def seed(stdout) -> None:
    if not Open311Application.objects.filter(name=DEMO_APP).exists():
        admin = User.objects.get(username="admin")
        open311_app_register(by=admin, name=DEMO_APP, contact="演示数据", key=DEMO_KEY)
    stdout.write(
        f"Open311 演示应用：api_key={DEMO_KEY}，jurisdiction_id={COUNTY[0]}"
        "（/open311/v2/discovery.json）"
    )
