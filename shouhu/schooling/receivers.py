"""How the schooling app joins the layers below it (docs/domain.md, "Keeping children in school"):
the early-warning rules read its facts (a pupil out of school whose whereabouts are unknown)
through the registry's fact hooks; a home visit that noted 辍学迹象 opens a 控辍保学 case — the care
app says that facts about children changed (`facts_changed`, after the commit) and the facts are
read through the registry's hooks, so schooling never imports care."""
from django.utils import timezone

from shouhu.registry.hooks import Indicator, ReportSection, register_facts, register_indicator, register_report_section
from shouhu.registry.signals import facts_changed
from shouhu.rules import dropout as D

from .absences import open_visit_cases
from .dropout import dropout_facts
from .figures import month_by_place, veto_counts

INLINE_LIMIT = 200  # more (a bulk refresh): the nightly `check-dropout` finds them


def _facts_changed(sender, child_ids=None, **kwargs):
    if child_ids and len(child_ids) <= INLINE_LIMIT:
        open_visit_cases(child_ids, today=timezone.localdate())


def connect() -> None:
    register_facts("schooling", dropout_facts)
    register_report_section(ReportSection(
        "dropout", "控辍保学", D.MONTH_COLUMNS, month_by_place, order=10,
        note="疑似辍学个案按月末的办理进度统计；未建档学生计入学校所在乡镇。乡镇逾期未启动或下落不明即触发“一票否决”提示。"))
    register_indicator(Indicator("dropout", veto_counts, "/schooling/dropout/figures/"))
    facts_changed.connect(_facts_changed, dispatch_uid="schooling.facts_changed")
