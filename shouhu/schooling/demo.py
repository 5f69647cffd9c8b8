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
from shouhu.rules import dropout as D
from shouhu.rules.idcard import make_id

from . import absences, dropout, selectors
from .models import Absence, DropoutCase
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


# -- 控辍保学 (docs/domain.md, "Keeping children in school") -----------------------------------------
HEADS = {"county": "王县长", "bureau": "李局长", "township": "张镇长", "principal": "赵校长", "village": "刘村长", "teacher": "陈老师",
         "parent": "家长（父亲）"}


def build_dropout_demo(*, today: date, rng: random.Random, log=print) -> int:
    """Four weeks of absences at 金星小学 (about 3% of the pupils away on a school day, a third of
    them on leave), with streaks of a week that open cases through the nightly check — six three
    weeks ago, three this week — then the older cases moved along the procedure with past dates: one
    reported, one at the township with its 七长, one 依法督促, one back in school and followed up
    twice, one closed, one left untouched and escalated; a new one with one attempt. Returns the
    number of cases."""
    school = School.objects.filter(name="金星小学", region_code=DEMO_TOWNSHIP).first()
    staff, dudao = User.objects.filter(username="xiaozhang").first(), User.objects.filter(username="dudao").first()
    if school is None or staff is None or dudao is None:
        return 0
    cal = dropout.dropout_settings().calendar
    pupils = [(c, p) for c in absences.absence_classes_visible_to(staff).filter(school=school) for p in absences.class_pupils(staff, c)]
    if len(pupils) < 12:
        return 0
    rng.shuffle(pupils)
    old, recent, rest = pupils[:6], pupils[6:9], pupils[9:]
    t0 = list(cal.school_days_back(today - timedelta(days=20)))[0]
    rows = {}

    def mark(c, p, d, excused=False, reason=""):
        rows[(p.key, d)] = Absence(school=school, school_class=c, pupil_key=p.key, child=p.child, name=p.name, day=d, excused=excused,
                                   reason=reason, recorded_by=staff)

    for d in list(cal.school_days_back(today - timedelta(days=1), limit=28)):
        for c, p in rng.sample(rest, max(1, len(rest) * 3 // 100)):
            leave = rng.random() < 1 / 3
            mark(c, p, d, leave, rng.choice(("病假", "事假")) if leave else "")
    for c, p in old:
        for d in list(cal.school_days_back(t0))[:rng.randrange(5, 8)]:
            mark(c, p, d)
    for c, p in recent:
        for d in list(cal.school_days_back(today - timedelta(days=1)))[:5]:
            mark(c, p, d)
    Absence.objects.bulk_create(rows.values())
    absences.open_due_cases(today=t0 + timedelta(days=1))
    absences.open_due_cases(today=today)
    by_key = {c.pupil_key: c for c in DropoutCase.objects.filter(trigger="absence")}
    olds = [by_key[p.key] for _, p in old if p.key in by_key]
    news = [by_key[p.key] for _, p in recent if p.key in by_key]
    if len(olds) < 6 or not news:
        return DropoutCase.objects.count()
    day = lambda n: t0 + timedelta(days=n)  # noqa: E731

    def act(case, who, action, on, **kw):
        return dropout.dropout_act(actor=who, case=case, action=action, on=on, **kw)

    def attempts(case, *ons):
        for i, on in enumerate(ons):
            case = act(case, staff, "attempt", on, mode=D.ATTEMPT_MODES[i % 3], note=("家访未见到学生，祖母说孩子不愿上学", "电话联系在外务工的父亲，答应劝说")[i % 2])
        return case

    overdue, reported, township, legal, returned, closed = olds[:6]
    # 已书面上报: two failed attempts, the written report yesterday
    case = attempts(reported, day(1), day(3))
    act(case, staff, "report", today - timedelta(days=1), note="两次劝返未果，书面报告镇政府和县教育局")
    # 乡镇劝返 with the 七长 named
    case = act(attempts(township, day(1), day(2)), staff, "report", day(3), note="两次劝返未果")
    act(case, dudao, "start", day(5), heads=HEADS, note="镇政府启动劝返复学，七长到位")
    # 依法督促: the written order with a time limit
    case = act(attempts(legal, day(1), day(2)), staff, "report", day(3), note="两次劝返未果")
    case = act(case, dudao, "start", day(4), heads=HEADS, note="镇政府启动劝返复学")
    act(case, dudao, "legal", day(8), legal_step="order", legal_due=today + timedelta(days=10), note="家长拒不送子女入学，送达责令限期改正通知书")
    # 已复学, followed up twice
    case = act(attempts(returned, day(1), day(2)), staff, "report", day(3), note="两次劝返未果")
    case = act(case, dudao, "start", day(4), heads=HEADS, note="镇政府启动劝返复学")
    back = day(6)
    case = act(case, dudao, "return", back, placement="随班就读", note="父亲返乡送孩子到校")
    for week in (1, 2):
        case = act(case, staff, "follow", back + timedelta(weeks=week), note="在校，按时到校")
    # 已结案: moved away, the receiving school confirmed
    act(attempts(closed, day(1)), staff, "resolve", day(4), outcome="moved", note="随父母迁往广东东莞，接收学校已确认")
    # a new case with one attempt; the untouched old one is past its time and escalated
    attempts(news[0], today)
    dropout.escalate_dropouts(today=today)  # `overdue`, and the other triggers' cases of three weeks ago
    n = DropoutCase.objects.count()
    log(f"  控辍保学：金星小学缺勤 {len(rows)} 条，疑似辍学个案 {n} 件")
    return n
