"""Spreadsheet template, import (preview then commit), import history and export pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.exports.services import APPROVE, approval_rows
from zhicun.exports.views import serve_or_request
from zhicun.lib.forms import add_service_errors
from zhicun.registry.excel.export import FORMATS, PERSONS, exportable
from zhicun.registry.excel.importer import import_commit, import_preview
from zhicun.registry.excel.reader import MB, max_bytes, max_rows
from zhicun.registry.excel.template import write_template
from zhicun.registry.models import ImportBatch
from zhicun.registry.search import filter_persons
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

IMPORT = "registry.import"
EXPORT = "registry.export"
REVEAL = "registry.reveal"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_units(user) -> list[Unit]:
    return sorted({u.pk: u for u in user.units_for(IMPORT)}.values(), key=lambda u: u.code)


def _import_unit(user, code: str | None) -> Unit:
    units = _import_units(user)
    if not code:
        return units[0]
    for unit in units:
        if unit.code == code:
            return unit
    raise Http404("没有此单位的导入权限")


class UploadForm(forms.Form):
    unit = forms.ChoiceField(
        label="导入到",
        choices=(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(label="文件（.xlsx、.xls 或 .csv）")
    on_existing = forms.ChoiceField(
        label="身份证号码已登记的人员",
        choices=ImportBatch.OnExisting.choices,
        initial=ImportBatch.OnExisting.SKIP,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.path_names()) for u in units]
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].code


@require_perm(IMPORT)
def import_upload(request):
    units = _import_units(request.user)
    form = UploadForm(units=units)
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes() + 64 * 1024:
            messages.error(request, f"文件过大，上限 {max_bytes() // MB} MB")
            return redirect("registry:import")
        form = UploadForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > max_bytes():
                form.add_error(
                    "file", f"文件过大（{upload.size / MB:.1f} MB），上限 {max_bytes() // MB} MB"
                )
            else:
                batch, _plan = import_preview(
                    by=request.user,
                    unit=_import_unit(request.user, form.cleaned_data["unit"]),
                    file_name=upload.name,
                    data=upload.read(),
                    on_existing=form.cleaned_data["on_existing"],
                )
                return redirect("registry:import_batch", batch.pk)
    return render(
        request,
        "registry/excel/import.html",
        {"form": form, "max_mb": max_bytes() // MB, "max_rows": max_rows()},
    )


def _batch_for_user(user, pk: int) -> ImportBatch:
    return get_for_user(ImportBatch.objects.select_related("unit", "created_by"), user, pk=pk)


@require_perm(IMPORT)
def import_batch(request, pk: int):
    batch = _batch_for_user(request.user, pk)
    problems = batch.errors or []
    errors = [p for p in problems if not p.get("warning")]
    warnings = [p for p in problems if p.get("warning")]
    earlier = (
        ImportBatch.objects.in_scope(request.user)
        .filter(file_sha256=batch.file_sha256, status=ImportBatch.Status.COMMITTED)
        .exclude(pk=batch.pk)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "registry/excel/batch.html",
        {
            "batch": batch,
            "errors": errors,
            "warnings": warnings,
            "earlier": earlier,
            "can_commit": batch.status == ImportBatch.Status.PREVIEWED
            and batch.created_by_id == request.user.pk,
        },
    )


@require_POST
@require_perm(IMPORT)
def import_commit_view(request, pk: int):
    batch = _batch_for_user(request.user, pk)
    if batch.created_by_id != request.user.pk:
        raise Http404("找不到该导入记录")
    try:
        batch = import_commit(by=request.user, batch=batch)
    except (ValidationError, PermissionDenied) as e:
        for message in e.messages if isinstance(e, ValidationError) else [str(e)]:
            messages.error(request, message)
        return redirect("registry:import_batch", batch.pk)
    if batch.status == ImportBatch.Status.COMMITTED:
        messages.success(
            request,
            f"导入完成：新增 {batch.households_created} 户、{batch.persons_created} 人，"
            f"更新 {batch.persons_updated} 人，跳过 {batch.rows_skipped} 行",
        )
    else:
        messages.error(request, "导入时发现问题，未写入任何数据；请修改文件后重新上传")
    return redirect("registry:import_batch", batch.pk)


@require_perm(IMPORT)
def import_template(request):
    unit = _import_unit(request.user, request.GET.get("unit"))
    response = HttpResponse(write_template(unit), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "人口登记导入模板.xlsx")
    return response


@require_perm(IMPORT)
def imports(request):
    batches = ImportBatch.objects.in_scope(request.user).select_related("unit", "created_by")
    page = Paginator(batches, 30).get_page(request.GET.get("page"))
    return render(request, "registry/excel/imports.html", {"page": page})


class ExportForm(forms.Form):
    purpose = forms.CharField(
        label="导出用途",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "例如：核对医保参保名单"}),
        error_messages={"required": "请填写导出用途"},
    )
    format = forms.ChoiceField(
        label="格式",
        choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV")],
        initial="xlsx",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reveal = forms.BooleanField(
        label="包含完整的敏感信息（身份证号码、电话等，将记入审计）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def _filter_params(query) -> dict:
    return {k: v if len(v) > 1 else v[0] for k, v in query.lists() if k != "page" and any(v)}


@require_perm(EXPORT)
def export(request):
    queryset, filters = filter_persons(request.user, request.GET)
    can_reveal = request.user.can(REVEAL)
    form = ExportForm(request.POST or None)
    if not can_reveal:
        del form.fields["reveal"]
    if request.method == "POST" and form.is_valid() and filters.is_valid():
        data = form.cleaned_data
        try:
            return serve_or_request(
                request,
                kind=PERSONS,
                params=_filter_params(request.GET),
                purpose=data["purpose"],
                fmt=data["format"] if data["format"] in FORMATS else "xlsx",
                reveal=bool(data.get("reveal")),
            )
        except ValidationError as e:
            add_service_errors(form, e)
    return render(
        request,
        "registry/excel/export.html",
        {
            "form": form,
            "filters": filters,
            "count": exportable(request.user, queryset).count() if filters.is_valid() else 0,
            "limit": approval_rows(),
            "may_approve": request.user.can(APPROVE),
            "conditions": _filter_params(request.GET),
            "query": request.GET.urlencode(),
        },
    )


urls = [
    path("import/", import_upload, name="import"),
    path("import/template.xlsx", import_template, name="import_template"),
    path("import/<int:pk>/", import_batch, name="import_batch"),
    path("import/<int:pk>/commit/", import_commit_view, name="import_commit"),
    path("imports/", imports, name="imports"),
    path("export/", export, name="export"),
]
