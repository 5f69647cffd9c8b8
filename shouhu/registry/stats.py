"""Maintained counts behind the home pages (底数)."""
from django.db import transaction
from django.db.models import Count, Q

from shouhu.regions.models import School
from shouhu.rules.choices import CATEGORY_TABLE
from shouhu.rules.small_counts import suppress_table

from .models import COUNTED, Child, StatCell

ACTIVE = Q(status=Child.Status.ACTIVE)
AGGREGATES = {
    "total": Count("id", filter=ACTIVE),
    **{c.code: Count("id", filter=ACTIVE & Q(**{c.field: True})) for c in CATEGORY_TABLE},
    "exited": Count("id", filter=Q(status=Child.Status.EXITED)),
}
COUNT_FIELDS = [c for c, _ in COUNTED]


def refresh(*, village_codes=None, class_keys=None) -> None:
    """Recompute the cells of these villages / classes (None = all). Cheap per village."""
    with transaction.atomic():
        qs = Child.objects.all()
        cells = StatCell.objects.filter(kind="village")
        if village_codes is not None:
            qs, cells = qs.filter(village_code__in=village_codes), cells.filter(key__in=village_codes)
        cells.delete()
        rows = qs.values("village_code").annotate(**AGGREGATES).order_by()
        StatCell.objects.bulk_create(
            [StatCell(kind="village", key=r["village_code"], region_code=r["village_code"], **{f: r[f] for f in COUNT_FIELDS}) for r in rows]
        )

        qs = Child.objects.filter(school__isnull=False)
        cells = StatCell.objects.filter(kind="class")
        if class_keys is not None:
            # a key is (school_id, class_id or None)
            school_ids = {s for s, _ in class_keys}
            qs = qs.filter(school_id__in=school_ids)
            cells = cells.filter(school_id__in=school_ids)
        cells.delete()
        rows = qs.values("school_id", "school_class_id").annotate(**AGGREGATES).order_by()
        township = dict(School.objects.filter(id__in={r["school_id"] for r in rows}).values_list("id", "region_code")) if rows else {}
        StatCell.objects.bulk_create(
            [
                StatCell(kind="class", key=f"{r['school_id']}:{r['school_class_id'] or 0}", region_code=township[r["school_id"]],
                         school_id=r["school_id"], **{f: r[f] for f in COUNT_FIELDS})
                for r in rows
            ]
        )


def refresh_for(children) -> None:
    """Refresh the cells the given (old or new) child states belong to, in the same transaction
    (a few hundred rows per village: cheap, and the counts can never disagree with the rows)."""
    villages = {c.village_code for c in children if c.village_code}
    classes = {(c.school_id, c.school_class_id) for c in children if c.school_id}
    refresh(village_codes=villages, class_keys=classes)


# -- reading the counts ------------------------------------------------------------------------
from dataclasses import dataclass, field  # noqa: E402

from django.db.models import Sum  # noqa: E402
from django.db.models.functions import Substr  # noqa: E402

from shouhu.regions.models import CODE_LENGTH, Region, SchoolClass, code_range  # noqa: E402

SUMS = {f: Sum(f) for f in COUNT_FIELDS}


@dataclass
class StatRow:
    label: str
    counts: dict
    link: dict = field(default_factory=dict)  # list filter for this row (region / school / class)


@dataclass
class StatTable:
    title: str
    unit_label: str
    rows: list[StatRow]
    total: StatRow


def _total(rows: list[StatRow], link: dict, label="合计") -> StatRow:
    return StatRow(label, {f: sum(r.counts.get(f, 0) for r in rows) for f in COUNT_FIELDS}, link)


def region_table(region: Region) -> StatTable:
    """Counts under `region`, one row per unit of the level below (all units, zeros included)."""
    cells = StatCell.objects.filter(kind="village", region_code__range=code_range(region.code))
    if region.level >= 5:
        agg = cells.aggregate(**SUMS)
        row = StatRow(region.display_name, {f: agg[f] or 0 for f in COUNT_FIELDS}, {"region": region.code})
        return StatTable(region.display_name, "村（社区）", [row], row)
    below = region.level + 1
    n = CODE_LENGTH[below]
    grouped = {r["prefix"]: r for r in cells.annotate(prefix=Substr("region_code", 1, n)).values("prefix").annotate(**SUMS).order_by()}
    units = Region.objects.filter(parent=region).order_by("code")
    rows = [StatRow(u.display_name, {f: (grouped.get(u.code) or {}).get(f) or 0 for f in COUNT_FIELDS}, {"region": u.code}) for u in units]
    unit_label = {2: "市", 3: "县", 4: "乡镇（街道）", 5: "村（社区）"}[below]
    return StatTable(region.display_name, unit_label, rows, _total(rows, {"region": region.code}))


def schools_table(title: str, schools) -> StatTable:
    by_school = {r["school_id"]: r for r in StatCell.objects.filter(kind="class", school_id__in=[s.id for s in schools]).values("school_id").annotate(**SUMS).order_by()}
    rows = [StatRow(s.name, {f: (by_school.get(s.id) or {}).get(f) or 0 for f in COUNT_FIELDS}, {"school": s.id}) for s in schools]
    return StatTable(title, "学校", rows, _total(rows, {}))


def classes_table(school, classes=None) -> StatTable:
    cells = {c.key: c for c in StatCell.objects.filter(kind="class", school_id=school.id)}
    classes = list(classes if classes is not None else SchoolClass.objects.filter(school=school))
    rows = []
    for c in classes:
        cell = cells.get(f"{school.id}:{c.id}")
        rows.append(StatRow(str(c), {f: getattr(cell, f, 0) if cell else 0 for f in COUNT_FIELDS}, {"school": school.id, "class": c.id}))
    if classes is None or len(classes) != 1:
        unassigned = cells.get(f"{school.id}:0")
        if unassigned and unassigned.total:
            rows.append(StatRow("未分班", {f: getattr(unassigned, f) for f in COUNT_FIELDS}, {"school": school.id}))
    return StatTable(school.name, "班级", rows, _total(rows, {"school": school.id}))


def children_table(title: str, qs) -> StatTable:
    """Counts straight from a (small) queryset: a helper's paired children."""
    agg = qs.aggregate(**AGGREGATES)
    row = StatRow(title, {f: agg[f] or 0 for f in COUNT_FIELDS})
    return StatTable(title, "", [row], row)


def suppressed(table: StatTable) -> StatTable:
    """The table as a statistics-only reader sees it: counts 1–4 as "<5" (`rules.small_counts`)."""
    rows, total = suppress_table([r.counts for r in table.rows], table.total.counts, COUNT_FIELDS)
    return StatTable(table.title, table.unit_label, [StatRow(r.label, c, r.link) for r, c in zip(table.rows, rows, strict=True)],
                     StatRow(table.total.label, total, table.total.link))
