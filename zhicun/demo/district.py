"""The demo district: 集宁区 with three townships, 大十号村 as the reference village (SPEC §0).

Codes follow the statistics bureau's scheme and are marked as demo data; they are not the
official codes of these places.
"""

from zhicun.accounts.roles import Role

DEMO_REMARK = "演示数据"

COUNTY = ("150902", "集宁区")

# township code, name, [(village code, name, [(grid name, [hamlet names])])]
TOWNSHIPS = [
    (
        "150902200",
        "马莲渠乡",
        [
            (
                "150902200201",
                "大十号村",
                [
                    ("第一网格", ["大十号", "前营子", "后营子", "东梁"]),
                    ("第二网格", ["西梁", "南沟", "北沟", "新村"]),
                ],
            ),
            (
                "150902200202",
                "小十号村",
                [("第一网格", ["小十号", "河湾"])],
            ),
        ],
    ),
    (
        "150902100",
        "白海子镇",
        [
            ("150902100201", "白海子村", [("第一网格", ["白海子", "东滩"])]),
            ("150902100202", "七号村", [("第一网格", ["七号", "后七号"])]),
        ],
    ),
    (
        "150902101",
        "泉玉岭镇",
        [("150902101201", "泉玉岭村", [("第一网格", ["泉玉岭", "前岭"])])],
    ),
]

DAISHIHAO = "150902200201"
XIAOSHIHAO = "150902200202"
MALIANQU = "150902200"
GRID1 = DAISHIHAO + "001"
GRID2 = DAISHIHAO + "002"
HAMLET_A = GRID1 + "001"

# username, full name, [(role, unit code)]
ACCOUNTS = [
    ("admin", "系统管理员", [(Role.SYSADMIN, COUNTY[0])]),
    ("secadmin", "安全管理员", [(Role.SECADMIN, COUNTY[0])]),
    ("auditor", "审计管理员", [(Role.AUDITOR, COUNTY[0])]),
    ("jining", "集宁区指挥中心", [(Role.COMMAND, COUNTY[0])]),
    ("malianqu", "马莲渠乡指挥中心", [(Role.COMMAND, MALIANQU)]),
    ("baocun", "王建国", [(Role.INSTRUCTOR, DAISHIHAO), (Role.INSTRUCTOR, XIAOSHIHAO)]),
    ("dashihao", "李永胜", [(Role.CHIEF, DAISHIHAO)]),
    ("grid1", "赵晓燕", [(Role.MANAGER, GRID1)]),
    ("grid2", "刘海军", [(Role.MANAGER, GRID2)]),
    ("collector1", "张福贵", [(Role.COLLECTOR, HAMLET_A)]),
    ("jiandu", "高德明", [(Role.SUPERVISOR, DAISHIHAO)]),
    ("xiaoshihao", "孙志强", [(Role.CHIEF, XIAOSHIHAO)]),
]
