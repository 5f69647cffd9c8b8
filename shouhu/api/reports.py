"""The national summary table over the API (统计表, 民发〔2016〕42号 附件3; docs/domain.md "The national
forms"): for a region the caller answers for and a cut-off date, one row per unit and the total in
the notice's 32 numbered columns, each 勾稽关系 with whether it holds, and — for a township — its
submission (上报) as the page shows it.

The same read as the page (`reports.national.national_report`): a township's submitted table
unless `live`, small counts as "<5" for statistics-only readers, and a region outside the caller's
report scope is the same 404 as an unknown one. Counts only, no names: like the page, no
access-log line (the Excel download is the export, and it is logged)."""
from datetime import date

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.reports import national, rules, selectors
from shouhu.rules import national_forms as N

from .permissions import declare


def cutoff_param(params) -> date:
    """`?cutoff=YYYY-MM-DD`, not after today; default the end of the previous month (the page's
    default). A bad or future date is a 400 here, where the page falls back with a warning."""
    today = timezone.localdate()
    text = (params.get("cutoff") or "").strip()
    if not text:
        return rules.month_end(rules.previous_month(today))
    try:
        cutoff = date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"cutoff": "截止日期格式应为 YYYY-MM-DD"}) from None
    if cutoff > today:
        raise ValidationError({"cutoff": "截止日期不能晚于今天"})
    return cutoff


class ColumnSerializer(serializers.Serializer):
    no = serializers.IntegerField(help_text="统计表栏目序号（1—32）")
    key = serializers.CharField(help_text="各行 counts 中的键（c1—c32）")
    group = serializers.CharField(help_text="上层表头（合计栏为空）")
    label = serializers.CharField()


class StatRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="单位的区划代码")
    label = serializers.CharField()
    counts = serializers.DictField(help_text="栏目键 → 人数（仅统计数据的角色：小于5显示为“<5”）")


class RelationSerializer(serializers.Serializer):
    where = serializers.CharField(help_text="合计，或关系不成立的单位")
    text = serializers.CharField(help_text="如“1列=2列+5列+8列”")
    left = serializers.JSONField(help_text="左边之和（仅统计数据的角色为空）")
    right = serializers.JSONField(help_text="右边之和（仅统计数据的角色为空）")
    holds = serializers.BooleanField(help_text="是否成立")


class SubmissionSerializer(serializers.Serializer):
    submitted_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(allow_null=True)


class StatTableSerializer(serializers.Serializer):
    title = serializers.CharField()
    cutoff = serializers.DateField(help_text="统计截止日期")
    node = serializers.DictField(help_text="code、name、level")
    unit_label = serializers.CharField(help_text="单位（乡镇或村）")
    frozen = serializers.BooleanField(help_text="true：乡镇已上报的数据；false：实时统计")
    submission = SubmissionSerializer(allow_null=True, help_text="乡镇本截止日期未退回的上报（县、未上报时为空）")
    can_submit = serializers.BooleanField(help_text="您现在能否为该乡镇上报（在统计表页面上报）")
    columns = ColumnSerializer(many=True)
    rows = StatRowSerializer(many=True)
    total = StatRowSerializer()
    relations = RelationSerializer(many=True)
    all_hold = serializers.BooleanField(help_text="所有勾稽关系均成立")


def stat_table(actor, view, *, today: date) -> dict:
    """The page's view as JSON: the notice's column numbers beside our keys."""
    table, sub = view.figures["table"], view.submission
    return {
        "title": table["title"], "cutoff": view.cutoff.isoformat(), "node": view.figures["node"], "unit_label": table["unit_label"],
        "frozen": view.frozen,
        "submission": {"submitted_at": sub.submitted_at, "submitted_by": str(sub.submitted_by) if sub.submitted_by else None} if sub else None,
        "can_submit": sub is None and view.cutoff < today and selectors.can_submit(actor, view.node),
        "columns": [{"no": c.no, "key": c.key, "group": c.group, "label": c.label} for c in N.COLUMNS],
        "rows": table["rows"], "total": table["total"],
        "relations": [{k: c[k] for k in ("where", "text", "left", "right", "holds")} for c in view.figures["checks"]],
        "all_hold": national.all_hold(view.figures),
    }


@extend_schema_view(list=extend_schema(
    summary="摸底排查统计表（附件3）",
    description="某区划（须在您的报表范围内，否则 404）截至某日的统计表：各下级单位一行及合计，32 栏按通知的序号，"
                "每条表间勾稽关系及是否成立；乡镇已上报的，默认给出上报时冻结的数据。",
    parameters=[OpenApiParameter("node", str, description="区划代码（默认：您的最高一级区划）"),
                OpenApiParameter("cutoff", str, description="截止日期 YYYY-MM-DD（默认上月月底，不能晚于今天）"),
                OpenApiParameter("live", bool, description="已上报的也实时统计")],
    responses=StatTableSerializer))
class StatTableViewSet(viewsets.ViewSet):
    """统计表: the 民发〔2016〕42号 附件3 table of a region and cut-off date, as the page shows it."""
    needs = declare(("list",), "answers_for_region")

    def list(self, request):
        g = request.query_params
        cutoff = cutoff_param(g)
        view = national.national_report(request.user, node_code=g.get("node") or None, cutoff=cutoff,
                                        live=g.get("live") in ("1", "true"))
        return Response(stat_table(request.user, view, today=timezone.localdate()))
