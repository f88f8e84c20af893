import pytest

from zhicun.audit.models import AppendOnlyError, AuditEvent
from zhicun.audit.services import audit_record, diff
from zhicun.lib.masking import mask_id_number


def test_events_cannot_be_changed_or_deleted(dashihao):
    event = audit_record(actor=dashihao, action="update", details={"x": 1})
    event.action = "delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "update"


def test_diff_masks_sensitive_fields():
    changes = diff(
        {"name": "张三", "id_number": "150902196203143338"},
        {"name": "张三丰", "id_number": "15090219620314333X"},
        masked={"id_number": mask_id_number},
    )
    assert changes["name"] == ["张三", "张三丰"]
    assert changes["id_number"] == ["150902********3338", "150902********333X"]


def test_the_auditor_searches_by_actor_and_action(login, auditor, dashihao):
    audit_record(actor=dashihao, action="export", details={"rows": 3})
    audit_record(actor=auditor, action="login")
    r = login(auditor).get("/audit/", {"actor": "dashihao", "action": "export"})
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 1


@pytest.mark.parametrize("name", ["dashihao", "admin", "jining"])
def test_only_auditors_read_the_trail(login, django_user_model, district, name):
    user = django_user_model.objects.get(username=name)
    assert login(user).get("/audit/").status_code == 403
