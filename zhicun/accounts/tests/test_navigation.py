import pytest

from zhicun.accounts.navigation import menu_for
from zhicun.demo.district import ACCOUNTS


def _labels(menu):
    return [(entry["label"], [item["label"] for item in entry["items"]]) for entry in menu]


def _active(menu):
    marked = []
    for entry in menu:
        items = [item["label"] for item in entry["items"] if item["active"]]
        assert entry["active"] == bool(items)  # a group is marked exactly when one of its items is
        marked += [(entry["label"], label) for label in items]
    return marked


def test_it_groups_the_entries_in_the_order_of_the_definition(jining):
    assert _labels(menu_for(jining, "/")) == [
        ("工作台", ["工作台"]),
        ("指挥与统计", ["指挥中心", "人口统计", "事件指标", "代办统计"]),
        ("人口与网格", ["户籍管理", "人员查询", "流动人口", "走访", "区划与网格", "导出审批"]),
        ("民情诉求", ["民情事件", "督办看板", "工作指令"]),
        ("代办", ["代办服务"]),
        ("帮扶与就业", ["帮扶监测", "就业帮扶"]),
        ("公开", ["三务公开"]),
    ]


def test_it_leaves_out_what_the_role_may_not_open(admin_user, secadmin):
    assert _labels(menu_for(admin_user, "/")) == [
        ("工作台", ["工作台"]),
        (
            "系统管理",
            ["区划管理", "账号与岗位", "事件设置", "代办事项", "监测标准", "通知发送"],
        ),
    ]
    assert _labels(menu_for(secadmin, "/")) == [
        ("工作台", ["工作台"]),
        ("系统管理", ["安全管理"]),
    ]


@pytest.mark.parametrize(
    "path, active",
    [
        ("/", [("工作台", "工作台")]),
        ("/cases/", [("民情诉求", "民情事件")]),
        ("/cases/12/", [("民情诉求", "民情事件")]),
        ("/cases/board/", [("民情诉求", "督办看板")]),
        ("/registry/stats/", [("指挥与统计", "人口统计")]),
        ("/accounts/password/", []),
    ],
)
def test_the_page_marks_its_entry_and_its_group(jining, path, active):
    assert _active(menu_for(jining, path)) == active


@pytest.mark.parametrize("username", [username for username, _, _ in ACCOUNTS])
def test_every_entry_shown_opens(login, django_user_model, district, username):
    user = django_user_model.objects.get(username=username)
    client = login(user)
    for entry in menu_for(user, "/"):
        for item in entry["items"]:
            # 区划与网格 leads on to the user's own unit.
            assert client.get(item["url"], follow=True).status_code == 200, item["url"]


def test_the_bar_writes_a_group_as_a_dropdown_and_a_single_item_as_a_link():
    import re

    from zhicun.accounts.templatetags.nav import nav_entries

    menu = [
        {
            "label": "工作台",
            "icon": "house",
            "active": False,
            "items": [{"label": "工作台", "url": "/", "icon": "house", "active": False}],
        },
        {
            "label": "人口<与>网格",
            "icon": "",
            "active": True,
            "items": [
                {"label": "户籍管理", "url": "/registry/", "icon": "", "active": False},
                {
                    "label": "人员查询",
                    "url": "/registry/search/?a=1&b=2",
                    "icon": "search",
                    "active": True,
                },
            ],
        },
    ]
    html = nav_entries(menu)
    assert html.count('<li class="nav-item">') == 1 and html.count("nav-item dropdown") == 1
    assert '<a class="nav-link" href="/"><i class="bi bi-house"></i> 工作台</a>' in html
    assert 'dropdown-toggle active"' in html and "人口&lt;与&gt;网格</button>" in html
    assert (
        '<a class="dropdown-item active" aria-current="page" href="/registry/search/?a=1&amp;b=2">'
        '<i class="bi bi-search"></i> 人员查询</a>'
    ) in html
    assert re.findall(r'aria-current="page"', html) == ['aria-current="page"']
    assert nav_entries([]) == ""


def test_every_page_shows_the_bar_the_menu_describes(login, jining):
    body = login(jining).get("/registry/search/").content.decode()
    for entry in menu_for(jining, "/registry/search/"):
        for item in entry["items"]:
            assert f'href="{item["url"]}"' in body, item["label"]
    assert 'aria-current="page" href="/registry/search/"' in body
