"""Readable change history of a child (who, when, what, effective date)."""
from dataclasses import dataclass, field
from datetime import datetime

from shouhu.regions.models import Region, School, SchoolClass

from .models import Child

# Internal or derived bookkeeping: entry/exit is shown through CategoryEvent instead.
HIDDEN = {"id", "uid", "created_at", "created_by", "category_reasons", "village_code", "township_code", "left_behind_kind",
          "difficulty_kinds", "status", "entered_on", "exited_on", "exit_reason", "version"}


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
            entry.changes = _changes(rec, prev, labels=labels, mask=mask)
        out.append(entry)
    return out


def _changes(rec, prev, *, labels: dict, mask=None, fields: frozenset[str] | None = None) -> list[Change]:
    """What changed from the history row `prev` to `rec`, in Chinese labels, ID numbers through
    `mask`, only `fields` (a reader's field set, None = all)."""
    out = []
    for ch in rec.diff_against(prev, excluded_fields=list(HIDDEN)).changes:
        if fields is not None and ch.field not in fields:
            continue
        old, new = ch.old, ch.new
        if mask and ch.field.endswith("id_number"):
            old, new = mask(old), mask(new)
        if ch.field in ("village", "school", "school_class"):
            old, new = _fk_label(ch.field, old), _fk_label(ch.field, new)
        out.append(Change(labels.get(ch.field, ch.field), _fmt(old), _fmt(new)))
    return out


@dataclass
class StaleEdit:
    """Why a save was refused: who wrote the record last, when, and what changed since the version
    the user's page showed (what the form's conflict message lists)."""

    who: str
    when: datetime | None
    version: int
    changes: list[Change] = field(default_factory=list)


def changes_since(child: Child, version: int | None, *, mask=None, fields: frozenset[str] | None = None) -> StaleEdit:
    """The record as it is now against the history row of `version` (the last row written at that
    version: the nightly recompute writes rows without raising it)."""
    labels = {f.name: str(f.verbose_name) for f in Child._meta.fields}
    latest = child.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if latest is None:
        return StaleEdit(who="系统", when=None, version=child.version)
    out = StaleEdit(who=str(latest.history_user) if latest.history_user else "系统", when=latest.history_date, version=latest.version)
    seen = child.history.filter(version=version).order_by("-history_date", "-history_id").first() if version else None
    if seen is not None:
        out.changes = _changes(latest, seen, labels=labels, mask=mask, fields=fields)
    return out


def _fk_label(name: str, pk) -> str:
    if pk in (None, ""):
        return "—"
    model = {"village": Region, "school": School, "school_class": SchoolClass}[name]
    obj = model.objects.filter(pk=pk).first()
    return str(obj) if obj else str(pk)
