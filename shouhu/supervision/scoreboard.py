"""考核 scoreboard (docs/domain.md, "Supervision and evaluation"): each township and each school of a
county scored on `rules.evaluation.INDICATORS` for a quarter or a year. Every indicator is counted
by the app that holds its records (`registry.hooks.register_indicator`), by village and by school;
a township is the sum of its villages, the county the sum of its townships. After the period ends
the county admin freezes it (`ScorePeriod`), as a township's 上报 is frozen."""
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import Conflict, Forbidden, NotFound, ServiceError
from shouhu.regions.models import Region, School
from shouhu.registry.hooks import indicators
from shouhu.rules import evaluation as E

from .models import Finding, ScorePeriod, SupervisionSetting

FLAGS = ("inspects", "reviews_findings", "dropout_figures")


def rectify_counts(*, first: date, last: date, today: date) -> dict:
    """整改按时 (`rules.evaluation.INDICATORS["rectify"]`): of the findings whose deadline fell in the
    period and has passed, those passed by their deadline — by unit and by school."""
    qs = Finding.objects.filter(due_on__range=(first, last), due_on__lt=today)
    agg = {"d": Count("id"), "n": Count("id", filter=Q(state="passed", closed_on__lte=F("due_on")))}
    places = {r["unit_code"].ljust(12, "0"): (r["n"], r["d"]) for r in qs.values("unit_code").annotate(**agg).order_by()}
    schools = {r["school_id"]: (r["n"], r["d"]) for r in qs.filter(school__isnull=False).values("school_id").annotate(**agg).order_by()}
    return {"places": places, "schools": schools}


def root_of(actor) -> Region:
    """The region whose scoreboard the actor reads: the widest of their assignments that may (404 if none)."""
    nodes = [a.region for f in FLAGS for a in scope_of(actor).assignments_with(f) if a.region_id]
    if not nodes:
        raise NotFound("未找到考核")
    return min(nodes, key=lambda r: len(r.code))


def _row(kind: str, key, label: str, values: dict, table: dict) -> dict:
    s = E.score(values, table)
    return {"kind": kind, "key": key, "label": label, "values": {k: list(v) for k, v in values.items()}, "score": s.points, "veto": s.veto,
            "parts": s.parts}


def compute(*, region: Region, year: int, quarter: int | None, today: date | None = None) -> dict:
    """The scoreboard of `region` (a county or a township) as JSON-able figures."""
    today = today or timezone.localdate()
    first, last = E.period_bounds(year, quarter)
    table = E.specs(SupervisionSetting.current().indicators)
    hooks = indicators()
    counted = {key: hooks[key].counts(first=first, last=last, today=today) for key in table if key in hooks}
    townships = (list(Region.objects.filter(level=4, code__startswith=region.code).order_by("code")) if region.level <= 4 else [])
    schools = list(School.objects.filter(region_code__startswith=region.code[:9]).order_by("region_code", "name"))
    t_values: dict[str, dict] = {t.code: {} for t in townships}
    s_values: dict[int, dict] = {s.pk: {} for s in schools}
    for key, c in counted.items():
        for code, nd in c.get("places", {}).items():
            if code[:9] in t_values:
                t_values[code[:9]] = E.add(t_values[code[:9]], {key: tuple(nd)})
        for pk, nd in c.get("schools", {}).items():
            if pk in s_values:
                s_values[pk] = E.add(s_values[pk], {key: tuple(nd)})
    names = {t.code: t.name for t in townships}
    return {
        "period": E.period_key(year, quarter), "label": E.period_label(year, quarter), "first": first.isoformat(), "last": last.isoformat(),
        "as_of": min(today, last).isoformat(), "region": {"code": region.code, "name": region.display_name},
        "indicators": [{"key": k, "label": s.label, "weight": s.weight, "target": s.target, "veto": s.veto, "help": s.help,
                        "link": hooks[k].link if k in hooks else ""} for k, s in table.items()],
        "townships": [_row("township", code, names[code], v, table) for code, v in t_values.items()],
        "schools": [_row("school", s.pk, s.name, s_values[s.pk], table) for s in schools],
        "total": _row("total", region.code, "合计", E.add(*t_values.values()), table),
    }


def scoreboard(actor, *, year: int, quarter: int | None, live: bool = False) -> tuple[dict, ScorePeriod | None]:
    """The frozen figures of the period (unless `live`), else computed now; a township supervisor
    reads their township's row and schools only."""
    region = root_of(actor)
    county = region if region.level <= 3 else region.parent
    frozen = ScorePeriod.objects.filter(region=county, period=E.period_key(year, quarter)).select_related("frozen_by").first()
    figures = frozen.figures if frozen is not None and not live else compute(region=county, year=year, quarter=quarter)
    return _within(region, figures), frozen


def _within(region: Region, figures: dict) -> dict:
    """A township's reader gets its own row and schools."""
    if region.level < 4:
        return figures
    school_ids = set(School.objects.filter(region_code__startswith=region.code[:9]).values_list("pk", flat=True))
    return {**figures, "townships": [t for t in figures["townships"] if t["key"] == region.code],
            "schools": [s for s in figures["schools"] if s["key"] in school_ids]}


def latest_frozen(actor) -> dict | None:
    """The last frozen period's figures the actor may read (the leaders' screen shows them: cheap,
    where computing the period live reads every indicator); None without one."""
    try:
        region = root_of(actor)
    except NotFound:
        return None
    county = region if region.level <= 3 else region.parent
    frozen = ScorePeriod.objects.filter(region=county).order_by("-frozen_at").first()
    return _within(region, frozen.figures) if frozen is not None else None


@transaction.atomic
def scoreboard_freeze(*, actor, year: int, quarter: int | None, today: date | None = None) -> ScorePeriod:
    today = today or timezone.localdate()
    if not scope_of(actor).is_county_admin:
        raise Forbidden("只有县级管理员可以冻结考核结果")
    region = root_of(actor)
    first, last = E.period_bounds(year, quarter)
    if last >= today:
        raise ServiceError(f"{E.period_label(year, quarter)}尚未结束，结束之后才能冻结", field="period")
    try:
        with transaction.atomic():
            return ScorePeriod.objects.create(region=region, period=E.period_key(year, quarter), frozen_by=actor, frozen_at=timezone.now(),
                                              figures=compute(region=region, year=year, quarter=quarter, today=today))
    except IntegrityError:
        raise Conflict("该考核期已冻结") from None


@transaction.atomic
def indicators_set(*, actor, values: dict) -> SupervisionSetting:
    """The county's weights and targets ({key: {"weight": w, "target": t}}), audited by the caller."""
    if not scope_of(actor).is_county_admin:
        raise Forbidden("只有县级管理员可以设置考核指标")
    clean = {}
    for key, v in values.items():
        spec = E.INDICATORS.get(key)
        if spec is None or spec.veto:
            continue
        w, t = float(v["weight"]), float(v["target"])
        if not (0 <= w <= 100 and 0 < t <= 100):
            raise ServiceError(f"{spec.label}：权重应在0至100之间，目标应在0至100之间", field=f"{key}_weight")
        clean[key] = {"weight": w, "target": t}
    row = SupervisionSetting.objects.order_by("pk").first() or SupervisionSetting()
    row.indicators = clean
    row.save()
    return row


# the finding's source for an indicator below its target (`rules.supervision.SOURCES`)
SOURCE_OF = {"quality": "quality", "visits": "visits", "contact": "visits", "one_to_one": "visits", "alerts": "alert",
             "reports": "report", "dropout": "dropout", "rectify": "recheck"}


def suggestions(*, region: Region, today: date | None = None, limit: int = 30) -> list[dict]:
    """Findings the system's own data suggest in `region` this quarter so far: each village (or a
    township, for what is counted per township) whose indicator is below the county's target, or
    whose 控辍保学 vetoes — worst first. The inspector files the ones they confirm."""
    today = today or timezone.localdate()
    year, quarter = E.quarter_of(today)
    first, last = E.period_bounds(year, quarter)
    table = E.specs(SupervisionSetting.current().indicators)
    rows = []
    for key, ind in indicators().items():
        spec = table.get(key)
        if spec is None:
            continue
        for code, (n, d) in ind.counts(first=first, last=last, today=today).get("places", {}).items():
            if not code.startswith(region.code):
                continue
            r = E.rate(n, d)
            if spec.veto and n > 0:
                rows.append((1000.0, code, key, f"{spec.label}触发一票否决", f"{n}件：乡镇逾期未启动劝返或学生下落不明"))
            elif not spec.veto and r is not None and r < spec.target:
                rows.append((spec.target - r, code, key, f"{spec.label}未达标",
                             f"{spec.label} {r}%（{n}/{d}），目标 {spec.target:g}%；统计 {first:%Y-%m-%d} 至 {min(today, last):%Y-%m-%d}"))
    rows.sort(key=lambda x: (-x[0], x[1]))
    rows = rows[:limit]
    codes = {c for _, c, *_ in rows}
    units = {r.code: r for r in Region.objects.filter(code__in=codes | {c[:9] for c in codes})}  # a padded township code → the township
    out = []
    for _gap, code, key, problem, detail in rows:
        unit = units.get(code) or units.get(code[:9])
        if unit is not None:
            out.append({"unit": unit, "key": key, "source": SOURCE_OF.get(key, "manual"), "problem": problem, "detail": detail})
    return out
