"""户籍比对 pages (county admin): upload the police's extract, follow the comparison, and the lists
it leaves — 户籍 children under 16 with no record (摸底 candidates), registered children the
extract lacks — each filterable by village and exportable; disagreements are data-quality issues
(the issue list, filtered on hukou_mismatch)."""
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.errors import ServiceError
from shouhu.core.forms import apply_errors
from shouhu.core.params import page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import Region

from . import hukou

MAX_MB = 50


class UploadForm(forms.Form):
    file = forms.FileField(label="户籍数据文件", help_text="公安机关提供的户籍数据，Excel（.xlsx/.xls）或 CSV（GBK 或 UTF-8），须含姓名、公民身份号码、户籍地址列",
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv"}))
    delete_after = forms.BooleanField(label="比对完成后立即删除上传的户籍数据（只保留比对结果）", required=False, initial=True,
                                      widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def clean_file(self):
        # the page's and the API's one check before the service (which refuses an empty file)
        f = self.cleaned_data["file"]
        if f.size > MAX_MB << 20:
            raise forms.ValidationError(f"文件超过 {MAX_MB} MB，请按乡镇拆分后分别比对")
        return f


@requires("manages_county")
def hukou_start(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            check = hukou.hukou_upload(actor=request.user, data=f.read(), filename=f.name, delete_after=form.cleaned_data["delete_after"])
        except ServiceError as e:
            apply_errors(form, e)
        else:
            return redirect("quality:hukou_check", uid=check.uid)
    checks = hukou.checks_visible_to(request.user).select_related("created_by")[:20]
    return render(request, "quality/hukou_start.html", {"form": form, "checks": checks})


def _village_filter(request, check):
    """The villages of the county with candidates, and the one chosen (code or "")."""
    code = request.GET.get("village", "")
    return code if code.isdigit() and len(code) == 12 else ""


@requires("manages_county")
def hukou_check(request, uid):
    check = hukou.check_for(request.user, uid)
    which = request.GET.get("list", "unregistered")
    village = _village_filter(request, check)
    ctx = {"check": check, "which": which, "village": village}
    if check.status == check.Status.DONE:
        scope = scope_of(request.user)
        codes = check.candidates.values_list("village_code", flat=True).distinct().order_by("village_code")
        ctx["villages"] = list(Region.objects.filter(code__in=list(codes)).order_by("code").values_list("code", "short_name"))
        ctx["unregistered_count"] = check.candidates.count()
        ctx["missing_count"] = len(check.missing_ids)
        ctx["issues_url"] = reverse("quality:issues") + "?" + urlencode({"code": "hukou_mismatch"})
        if which == "missing":
            qs = _missing(request, check, village)
            page = Paginator(qs, 30).get_page(page_param(request.GET))
        else:
            qs = _candidates(check, village)
            page = Paginator(qs, 30).get_page(page_param(request.GET))
            names = dict(Region.objects.filter(code__in={c.village_code for c in page}).values_list("code", "short_name"))
            for c in page:
                c.village_name, c.shown_id = names.get(c.village_code, ""), scope.show_id(c.id_number)
        ctx["page"] = page
        log_access(actor=request.user, action="list", scope="户籍比对",
                   detail=f"{'户籍有、未建档' if which != 'missing' else '已建档、户籍中没有'}名单，第{page.number}页", request=request)
    return render(request, "quality/hukou_check.html", ctx)


def _candidates(check, village: str):
    return hukou.candidates_of(check, village=village)


def _missing(request, check, village: str):
    return hukou.missing_for(request.user, check, village=village)


@requires("manages_county")
def hukou_export(request, uid, which):
    check = hukou.check_for(request.user, uid)
    scope = scope_of(request.user)
    village = _village_filter(request, check)
    names = dict(Region.objects.filter(level=5).values_list("code", "short_name"))
    when = timezone.localtime()
    if which == "missing":
        headers = ["姓名", "性别", "出生日期", "公民身份号码", "村（社区）", "户籍所在地"]
        rows = ([c.name, c.sex, c.birth_date.isoformat(), scope.show_id(c.id_number), names.get(c.village_code, ""), c.hukou_place]
                for c in _missing(request, check, village).iterator(chunk_size=2000))
        title = "已建档但户籍中没有"
    else:
        headers = ["姓名", "性别", "出生日期", "公民身份号码", "村（社区）", "户籍地址", "户籍数据行号"]
        rows = ([c.name, c.sex, c.birth_date.isoformat() if c.birth_date else "", scope.show_id(c.id_number), names.get(c.village_code, ""),
                 c.address, c.row_no] for c in _candidates(check, village).iterator(chunk_size=2000))
        title = "户籍中有但未建档（摸底对象）"
    data, n = marked_workbook(title=title, headers=headers, rows=rows, who=str(request.user), when=when, label=f"户籍比对 {check.created_at:%Y-%m-%d}")
    log_access(actor=request.user, action="export", scope="户籍比对", detail=f"导出{title} {n} 人", request=request)
    return xlsx_response(data, f"hukou-{which}-{when:%Y%m%d-%H%M}.xlsx")


@requires("manages_county")
@require_POST
def hukou_delete(request, uid):
    check = hukou.check_for(request.user, uid)
    hukou.hukou_delete_file(check)
    return redirect("quality:hukou_check", uid=check.uid)


