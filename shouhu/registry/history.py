"""Readable change history of a child (who, when, what, effective date)."""
from dataclasses import dataclass, field
from datetime import datetime

from shouhu.regions.models import Region, School, SchoolClass

from .models import Child

# Internal or derived bookkeeping: entry/exit is shown through CategoryEvent instead.
HIDDEN = {"id", "uid", "created_at", "created_by", "category_reasons", "village_code", "township_code", "left_behind_kind",
          "difficulty_kinds", "status", "entered_on", "exited_on", "exit_reason"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    reason: str
    effective_date: object
    kind: str
    changes: list[Change] = field(default_factory=list)


def _fmt(v) -> str:
    if v is None or v == "" or v == []:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(str(x.get("name", x) if isinstance(x, dict) else x) for x in v)
    return str(v)


def child_history(child: Child, *, mask=None, limit: int = 200) -> list[HistoryEntry]:
    labels = {f.name: str(f.verbose_name) for f in Child._meta.fields}
    records = list(child.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    out = []
    for i, rec in enumerate(records[:limit]):
        prev = records[i + 1] if i + 1 < len(records) else None
        entry = HistoryEntry(
            when=rec.history_date, who=str(rec.history_user) if rec.history_user else "系统",
            reason=rec.history_change_reason or "", effective_date=rec.effective_date,
            kind={"+": "新增", "~": "修改", "-": "删除"}[rec.history_type],
        )
        if prev is not None:
            delta = rec.diff_against(prev, excluded_fields=list(HIDDEN))
            for ch in delta.changes:
                old, new = ch.old, ch.new
                if mask and ch.field.endswith("id_number"):
                    old, new = mask(old), mask(new)
                label = labels.get(ch.field, ch.field)
                if ch.field in ("village", "school", "school_class"):
                    old, new = _fk_label(ch.field, old), _fk_label(ch.field, new)
                entry.changes.append(Change(label, _fmt(old), _fmt(new)))
        out.append(entry)
    return out


def _fk_label(name: str, pk) -> str:
    if pk in (None, ""):
        return "—"
    model = {"village": Region, "school": School, "school_class": SchoolClass}[name]
    obj = model.objects.filter(pk=pk).first()
    return str(obj) if obj else str(pk)
