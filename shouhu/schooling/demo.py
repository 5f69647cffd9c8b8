"""School rosters (学籍名册) for the demo county, built by `shouhu.demo.build_demo`: the schools of
毛市镇 (金星小学 first) upload rosters made from their registered pupils, through the same
`roster_upload` as the page, with the disagreements the inspectors find (docs/domain.md, "Data quality"):
- a pupil under a homophone name (陆金兰 / 陆晶兰) — 村校档案不一致: 姓名;
- a birth date typed apart from the ID number and wrong — 村校档案不一致: 出生日期;
- pupils on the roster with no record — 学籍在册但未建档 (left-behind children not yet registered?);
- a registered pupil missing from the roster — 建档在该校但学籍名册中没有;
- at 金星小学 one row with a mistyped ID number, refused and reported with its row number.
The uploads' rechecks run when the demo's transaction commits."""
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from shouhu.accounts.models import User
from shouhu.core.cells import format_grade
from shouhu.regions.models import School
from shouhu.registry.demo import DEMO_TOWNSHIP
from shouhu.registry.models import Child
from shouhu.rules.idcard import make_id

from . import selectors
from .services import roster_upload
from .sheet import HEADER

HOMOPHONES = dict(zip("金兰明华宇婷欣怡涵轩浩俊子文佳思雨杰琳晨", "晶岚铭桦雨亭心宜晗萱皓骏梓雯嘉斯语洁林辰", strict=True))
NEW_PUPILS = (("刘思雨", "女"), ("陈浩然", "男"), ("周雅静", "女"))
MAX_SCHOOLS = 3


def _homophone(name: str) -> str | None:
    for i in range(len(name) - 1, 0, -1):  # the given name, last character first
        if name[i] in HOMOPHONES:
            return name[:i] + HOMOPHONES[name[i]] + name[i + 1:]
    return None


def _row(c: Child) -> dict:
    return {"name": c.name, "sex": c.sex, "birth_date": c.birth_date.isoformat(),
            "id_number": ("G" + c.id_number) if c.id_number else "",
            "grade": format_grade(c.school_class.grade) if c.school_class_id else "", "class_name": c.school_class.name if c.school_class_id else "",
            "father_name": c.father_name, "mother_name": c.mother_name, "carer_name": c.carer_name,
            "status": "辍学" if c.schooling == "辍学" else "在读"}


def _write(rows: list[dict], path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("学籍名册")
    for col, h in enumerate(HEADER.values()):
        ws.write_string(0, col, h)
    for r, row in enumerate(rows, 1):
        for col, f in enumerate(HEADER):
            if row.get(f):
                ws.write_string(r, col, str(row[f]))
    wb.close()


def _uploader(school: School) -> User | None:
    """The school's staff, else county education, else the county admin."""
    for role in ("school_staff", "county_education", "county_admin"):
        for u in User.objects.filter(assignments__role=role).distinct().order_by("id"):
            if selectors.can_upload(u, school):
                return u
    return None


def _new_id(birth: date, sex: str, rng: random.Random) -> str:
    for _ in range(200):
        number = make_id("421088", birth, rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0))
        if not Child.objects.with_id_number(number).exists():
            return number
    raise RuntimeError("no free ID number")


def build_schooling_demo(*, today: date, rng: random.Random, log=print) -> int:
    """Rosters for up to MAX_SCHOOLS schools of the demo township; returns the number uploaded."""
    schools = sorted(School.objects.filter(region_code=DEMO_TOWNSHIP), key=lambda s: (s.name != "金星小学", s.name))[:MAX_SCHOOLS]
    done = 0
    for school in schools:
        kids = list(Child.objects.filter(school=school, status=Child.Status.ACTIVE).select_related("school_class").order_by("id"))
        actor = _uploader(school)
        if len(kids) < 4 or actor is None:
            continue
        rows = [_row(c) for c in kids]
        changed = set()
        # a homophone name (the roster keeps the ID number, so the records pair and the names disagree)
        for i, c in enumerate(kids):
            if c.id_number and (other := _homophone(c.name)):
                rows[i]["name"] = other
                changed.add(i)
                break
        # a birth date typed apart from the ID number, a month off
        with_id = [i for i, c in enumerate(kids) if c.id_number and i not in changed]
        if with_id:
            i = with_id[len(with_id) // 2]
            rows[i]["birth_date"] = (kids[i].birth_date - timedelta(days=31)).isoformat()
            changed.add(i)
        # a registered pupil the school does not have on its roster
        rows.pop(max(i for i in range(len(rows)) if i not in changed))
        # pupils with no record yet
        sample = kids[0]
        for name, sex in NEW_PUPILS[: 2 if done else 3]:
            birth = sample.birth_date + timedelta(days=rng.randrange(-300, 300))
            rows.append({"name": name, "sex": sex, "birth_date": birth.isoformat(), "id_number": "G" + _new_id(birth, sex, rng),
                         "grade": rows[0]["grade"], "class_name": rows[0]["class_name"], "father_name": "", "mother_name": "",
                         "carer_name": "", "status": "在读"})
        if school.name == "金星小学":  # a mistyped ID number: refused, reported with its row number
            valid = _new_id(sample.birth_date, "男", rng)
            rows.append(dict(rows[0], name="吴小凡", sex="男", id_number="G" + valid[:-1] + ("0" if valid[-1] != "0" else "1")))
        rng.shuffle(rows)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / f"{school.name}学籍名册.xlsx"
            _write(rows, path)
            roster = roster_upload(actor=actor, school=school, file=str(path), file_name=path.name)
        log(f"  学籍名册：{school.name} 导入 {roster.rows_stored} 人，未导入 {roster.rows_rejected} 行")
        done += 1
    return done
