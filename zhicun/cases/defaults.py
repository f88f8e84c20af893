"""Default urgency levels and the category tree (SPEC §4); administrators change them later."""

# code, name, limit, unit
URGENCIES = [
    ("urgent", "紧急", 6, "hours"),
    ("pressing", "较急", 24, "hours"),
    ("normal", "一般", 3, "workdays"),
    ("complex", "复杂", 7, "workdays"),
]

# root name, default urgency code, [(child name, default urgency code)]
CATEGORIES = [
    (
        "民生服务",
        "normal",
        [("证照办理", "normal"), ("养老助残", "normal"), ("就医就学", "normal")],
    ),
    (
        "基础设施",
        "normal",
        [("道路桥梁", "complex"), ("供水供电", "pressing"), ("通信网络", "normal")],
    ),
    (
        "矛盾纠纷",
        "pressing",
        [("邻里纠纷", "pressing"), ("土地纠纷", "complex"), ("家庭纠纷", "pressing")],
    ),
    ("社会保障", "normal", [("低保救助", "normal"), ("医保社保", "normal")]),
    ("环境卫生", "normal", [("垃圾清运", "normal"), ("污水排放", "pressing")]),
    (
        "安全隐患",
        "urgent",
        [("危房险情", "urgent"), ("消防隐患", "urgent"), ("防汛抗旱", "urgent")],
    ),
    ("疫情防控", "urgent", []),
    ("上级交办", "normal", []),
]

INSTRUCTION_CATEGORY = "上级交办"


def ensure_defaults(urgency_model=None, category_model=None) -> int:
    """Create missing defaults; existing rows (possibly edited by an administrator) stay."""
    if urgency_model is None:
        from zhicun.cases.models import Category as category_model
        from zhicun.cases.models import Urgency as urgency_model
    created = 0
    urgencies = {}
    for order, (code, name, value, unit) in enumerate(URGENCIES):
        obj, made = urgency_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "limit_value": value, "limit_unit": unit, "order": order},
        )
        urgencies[code] = obj
        created += made
    for order, (name, urgency, children) in enumerate(CATEGORIES):
        root, made = category_model.objects.get_or_create(
            parent=None,
            name=name,
            defaults={"default_urgency": urgencies[urgency], "order": order},
        )
        created += made
        for child_order, (child, child_urgency) in enumerate(children):
            _, made = category_model.objects.get_or_create(
                parent=root,
                name=child,
                defaults={"default_urgency": urgencies[child_urgency], "order": child_order},
            )
            created += made
    return created
