"""The administrators' view of the outbox: what failed, why, and sending it again."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.notify.models import Message, Status
from zhicun.notify.services import message_retry


@require_perm("notify.admin")
def messages_page(request):
    status = request.GET.get("status", Status.FAILED)
    if status not in Status.values:
        status = Status.FAILED
    counts = dict(Message.objects.values_list("status").annotate(n=Count("id")))
    page = Paginator(Message.objects.filter(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/messages.html",
        {"page": page, "status": status, "counts": counts, "statuses": Status.choices},
    )


@require_POST
@require_perm("notify.admin")
def retry(request, pk: int):
    message = get_object_or_404(Message, pk=pk)
    message_retry(message=message, by=request.user)
    messages.success(request, "已重新加入发送队列")
    return redirect("notify:messages")
