"""Synthetic but realistic demo county: 监利市's real townships and villages, schools with
classes, users of every role, and children whose facts produce every category.

Deterministic (seeded) so that scripts and screenshots can rely on names and numbers."""
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from shouhu.accounts.models import Assignment, User
from shouhu.regions.models import Region, School, SchoolClass
from shouhu.regions.services import load_regions
from shouhu.rules.categories import age_on
from shouhu.rules.idcard import make_id

from . import stats
from .models import CategoryEvent, Child
from .services import _prepare, _settings, apply_derivation

PASSWORD = "shouhu2026"

# Approximate national surname frequencies (per mille), most common first.
SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄22 赵20 吴19 周19 徐15 孙14 马13 朱12 胡11 郭11 何10 高10 林10 罗9 郑9 梁9 "
    "谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董5 袁5 潘5 于5 蒋5 蔡5 余5 杜5 叶4 程4 苏4 魏4 吕4 丁4 "
    "任4 沈4 姚4 卢4 姜4 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 贾3 夏3 韦3 付3 方3 白3 邹3 孟3 熊3 秦3 邱3 江3 "
    "尹3 薛3 闫3 段3 雷3 侯3 龙3 史3 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 覃2 单1 仇1 解1 查1 欧阳1"
)
SURNAME_LIST = [(s[:-1] if not s[-2].isdigit() else s[:-2], int("".join(ch for ch in s if ch.isdigit()))) for s in SURNAMES.split()]
BOY = "浩宇轩子俊杰博文昊天明辰睿泽一航鑫磊凯鹏伟强豪晨阳嘉乐志诚毅然铭"
GIRL = "欣怡梓萱雨涵诗琪佳悦思彤可馨紫婷雅静梦瑶晶金兰芳丽娜慧雪颖月"
ADULT_M = "建国军华明强伟勇平刚斌辉峰涛波林海"
ADULT_F = "芳丽娟霞红梅英兰萍燕玲琴秀敏艳"
WORK = [("广东", "深圳东莞广州佛山中山", 30), ("浙江", "杭州宁波温州义乌", 20), ("上海", "上海", 10), ("江苏", "苏州南京无锡", 10),
        ("湖北", "武汉荆州", 10), ("福建", "厦门泉州", 6), ("北京", "北京", 4), ("湖南", "长沙岳阳", 3)]
CITY_SPLIT = {"深圳东莞广州佛山中山": ["深圳", "东莞", "广州", "佛山", "中山"], "杭州宁波温州义乌": ["杭州", "宁波", "温州", "义乌"],
              "苏州南京无锡": ["苏州", "南京", "无锡"], "武汉荆州": ["武汉", "荆州"], "厦门泉州": ["厦门", "泉州"], "长沙岳阳": ["长沙", "岳阳"]}
NEIGHBOUR_CODES = ("421002", "421003", "421022", "421023", "421024", "421081", "421087", "429004", "429005", "429006")
DEMO_VILLAGE = "421088109200"  # 毛市镇 光荣村: zhuren's village
DEMO_TOWNSHIP = "421088109"    # 毛市镇


@dataclass
class DemoResult:
    children: int
    villages: int
    schools: int
    users: list[tuple[str, str]]


class Gen:
    def __init__(self, seed: int, today: date):
        self.r = random.Random(seed)
        self.today = today
        self.ids: set[str] = set()
        self.surnames = [s for s, _ in SURNAME_LIST]
        self.weights = [w for _, w in SURNAME_LIST]

    def surname(self) -> str:
        return self.r.choices(self.surnames, self.weights)[0]

    def given(self, sex: str, adult=False) -> str:
        pool = (ADULT_M if sex == "男" else ADULT_F) if adult else (BOY if sex == "男" else GIRL)
        n = 2 if self.r.random() < 0.75 else 1
        return "".join(self.r.choice(pool) for _ in range(n))

    def phone(self) -> str:
        return "1" + self.r.choice("35789") + "".join(self.r.choice("0123456789") for _ in range(9))

    def id_for(self, birth: date, sex: str, area: str = "421088") -> str:
        # 500 sequence numbers per birth date and sex per address code; when they run out
        # (a big demo), the neighbouring counties' codes take over.
        for attempt in range(200):
            code = area if attempt < 40 else self.r.choice(NEIGHBOUR_CODES)
            number = make_id(code, birth, self.r.randrange(0, 500) * 2 + (1 if sex == "男" else 0))
            if number not in self.ids:
                self.ids.add(number)
                return number
        raise RuntimeError(f"no free ID number for {birth} {sex}")

    def date_between(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.r.randrange(max(1, (hi - lo).days)))

    def years_back(self, lo: float, hi: float) -> date:
        return self.today - timedelta(days=int(365.25 * self.r.uniform(lo, hi)))

    def work(self) -> tuple[str, str]:
        prov, cities, _ = self.r.choices(WORK, [w for *_, w in WORK])[0]
        return prov, self.r.choice(CITY_SPLIT.get(cities, [cities]))


def _schools(townships: list[Region]) -> dict[str, dict[str, School]]:
    """A central primary and a middle school per township; 金星小学 too in 毛市镇."""
    out: dict[str, dict[str, School]] = {}
    classes = []
    for t in townships:
        stem = t.short_name.removesuffix("镇").removesuffix("乡").removesuffix("管理区")
        primary = School.objects.create(name=f"{stem}中心小学", township=t, stage="小学")
        middle = School.objects.create(name=f"{stem}初级中学", township=t, stage="初中", boarding=True)
        out[t.code] = {"primary": primary, "middle": middle}
        if t.code == DEMO_TOWNSHIP:
            out[t.code]["jinxing"] = School.objects.create(name="金星小学", township=t, stage="小学", boarding=False)
        for key, school in out[t.code].items():
            grades = range(7, 10) if key == "middle" else range(1, 7)
            for g in grades:
                for n in range(1, 4 if key == "middle" else 3):
                    classes.append(SchoolClass(school=school, grade=g, name=f"{n}班"))
    SchoolClass.objects.bulk_create(classes)
    return out


def _make_child(g: Gen, village: Region, schools: dict, class_map: dict, n: int) -> Child:
    r = g.r
    sex = r.choice("男女")
    surname = g.surname()
    age = r.gauss(9, 4)
    if not 0.1 <= age < 17.9:  # resample rather than clip: clipping piles children onto one birth date
        age = r.uniform(0.1, 17.9)
    birth = g.years_back(age, age)
    kind = r.choices(["double", "single", "orphan", "de_facto", "one_home", "difficulty"], [62, 9, 3, 3, 12, 11])[0]
    c = Child(name=surname + g.given(sex), sex=sex, birth_date=birth, village=village, archive_no=f"JL{n:06d}")
    c.hukou_registered = r.random() > 0.01
    c.id_number = g.id_for(birth, sex) if c.hukou_registered else None
    c.hukou_place = f"湖北省监利市{village.parent.short_name}{village.short_name}"
    c.address_detail = f"{r.randint(1, 12)}组{r.randint(1, 60)}号"
    c.ethnicity = "汉族" if r.random() > 0.02 else r.choice(["土家族", "回族", "苗族"])
    for p, psex in (("father", "男"), ("mother", "女")):
        pbirth = birth - timedelta(days=int(365.25 * r.uniform(22, 36)))
        setattr(c, f"{p}_name", (surname if p == "father" else g.surname()) + g.given(psex, adult=True))
        setattr(c, f"{p}_birth_date", pbirth)
        if r.random() < 0.7:
            setattr(c, f"{p}_id_number", g.id_for(pbirth, psex, r.choice(["421088", "421088", "421023", "421081"])))
        setattr(c, f"{p}_phone", g.phone())

    def away(p, years=(0.7, 8)):
        prov, city = g.work()
        setattr(c, f"{p}_situation", "外出务工")
        setattr(c, f"{p}_work_province", prov)
        setattr(c, f"{p}_work_city", city)
        setattr(c, f"{p}_since", max(birth, g.years_back(*years)))

    def state(p, situation, years=None):
        setattr(c, f"{p}_situation", situation)
        since = g.years_back(*years) if years else None
        setattr(c, f"{p}_since", None if situation in ("死亡", "宣告死亡") else since)  # a date of death is not a departure
        if situation in ("死亡", "宣告失踪"):
            setattr(c, f"{p}_phone", "")

    c.guardianship = r.choices(["监护情况较好", "监护情况一般", "受委托监护人监护能力不足"], [50, 40, 10])[0]
    if kind == "double":
        away("father"), away("mother")
    elif kind == "single":
        away("father" if r.random() < 0.6 else "mother")
        state("mother" if c.father_situation == "外出务工" else "father", r.choice(["重病", "重残"]))
        c.guardianship = "父或母无监护能力"
    elif kind == "orphan":
        state("father", "死亡", (1, 6)), state("mother", r.choice(["死亡", "死亡", "宣告失踪"]), (1, 6))
        c.benefits = ["孤儿基本生活费"]
    elif kind == "de_facto":
        state("father", r.choice(["服刑在押", "失联", "重残"]), (1, 5))
        state("mother", r.choice(["死亡", "失联", "重病"]), (1, 5))
        c.benefits = ["事实无人抚养儿童生活补贴"]
    elif kind == "one_home":
        away("father", (0.1, 3))  # a recent departure or a parent at home: not left-behind
        c.guardianship = "监护情况较好"
    else:
        if r.random() < 0.5:
            away("father")
        c.poor_household = True
        c.benefits = ["低保"]
    if r.random() < 0.04:
        c.health, c.disability = "残疾", r.choice(["肢体", "听力", "视力", "智力", "言语"]) + r.choice(["一级", "二级", "三级", "四级"])
    elif r.random() < 0.03:
        c.health, c.illness, c.serious_illness = "患病", r.choice(["白血病", "先天性心脏病", "癫痫", "哮喘"]), r.random() < 0.6
    if kind != "difficulty" and r.random() < 0.08:
        c.poor_household, c.benefits = True, [*c.benefits, "低保"]
    c.income_sources = ["打工"] if "外出务工" in (c.father_situation, c.mother_situation) else ["种养殖", "政府救助"]
    parents_home = "在家" in (c.father_situation, c.mother_situation)
    if not parents_home:
        rel = r.choices(["祖父", "祖母", "外祖父", "外祖母", "其他亲属"], [30, 35, 10, 20, 5])[0]
        if r.random() < 0.03:
            c.living_alone, c.guardianship = True, "无人监护"
        else:
            csex = "男" if rel in ("祖父", "外祖父") else "女"
            cbirth = birth - timedelta(days=int(365.25 * r.uniform(45, 62)))
            c.carer_name = c.father_name
            while c.carer_name in (c.father_name, c.mother_name):  # a grandparent never shares a parent's full name
                c.carer_name = (surname if rel in ("祖父", "祖母") and csex == "男" else g.surname()) + g.given(csex, adult=True)
            c.carer_relation, c.carer_phone = rel, g.phone()
            c.carer_id_number = g.id_for(cbirth, csex) if r.random() < 0.6 else ""
            c.carer_address = c.hukou_place + c.address_detail
            c.carer_health = r.choice(["健康", "健康", "一般", "慢性病"])
            if r.random() < 0.85:
                c.agreement_date = g.date_between(max(birth, g.today - timedelta(days=900)), g.today)
        c.grandparents = [{"relation": "祖父", "name": surname + g.given("男", adult=True), "birth_date": None, "deceased": r.random() < 0.2},
                          {"relation": "祖母", "name": g.surname() + g.given("女", adult=True), "birth_date": None, "deceased": r.random() < 0.1}]
    contact_phone = c.carer_phone or c.father_phone or c.mother_phone
    if contact_phone:
        c.emergency_contacts = [{"name": c.carer_name or (c.father_name if c.father_phone else c.mother_name),
                                 "relation": c.carer_relation or ("父亲" if c.father_phone else "母亲"), "phone": contact_phone}]
    # schooling by age, school by township
    a = age_on(birth, g.today)
    t = village.parent.code
    if a < 3:
        c.schooling = "未入园"
    elif a < 6:
        c.schooling = "幼儿园"
    elif a < 12 or (a < 15 and r.random() < 0.97) or a < 16:
        c.schooling = "小学" if a < 12 else "初中"
        key = "primary" if a < 12 else "middle"
        if key == "primary" and "jinxing" in schools[t] and r.random() < 0.5:
            key = "jinxing"
        school = schools[t][key]
        grade = min(6, max(1, a - 5)) if key != "middle" else min(9, max(7, a - 5))
        c.school, c.school_class = school, r.choice(class_map[(school.id, grade)])
        c.boarding = school.boarding and r.random() < 0.6
    else:
        c.schooling = r.choice(["高中", "中职", "不在学"])
    if a >= 7 and a < 15 and r.random() < 0.005:
        c.schooling, c.school, c.school_class = "辍学", None, None
    c.reporter, c.reported_on = "儿童主任", g.date_between(g.today - timedelta(days=300), g.today)
    return c


def build_registry_demo(*, children: int = 3000, seed: int = 2026, root: str = "421088", log=print) -> DemoResult:
    """The registry's part of the demo county: regions, schools, users of every role, children.
    `shouhu.demo.build_demo` runs it first, then each feature app's part."""
    today = timezone.localdate()
    g = Gen(seed, today)
    load_regions(root)
    county = Region.objects.get(code=root)
    townships = list(Region.objects.filter(level=4, code__startswith=root))
    villages = list(Region.objects.filter(level=5, code__startswith=root).select_related("parent"))
    schools = _schools(townships)
    class_map: dict = {}
    for sc in SchoolClass.objects.all():
        class_map.setdefault((sc.school_id, sc.grade), []).append(sc)
    log(f"区划与学校：{len(townships)} 个乡镇，{len(villages)} 个村（社区），{School.objects.count()} 所学校")

    demo_village = next(v for v in villages if v.code == DEMO_VILLAGE)
    settings = _settings()
    admin = make_user("admin", "县民政局 管理员", "county_admin", region=county)
    users = [("admin", "县级管理员（监利市）")]
    batch: list[Child] = []
    events: list[CategoryEvent] = []
    made = 0

    def flush():
        nonlocal batch, events
        for c in batch:  # each record as registered on its report date, so past months have figures
            c._history_date = timezone.make_aware(datetime.combine(c.reported_on, dtime(9)))
        bulk_create_with_history(batch, Child, batch_size=1000, default_user=admin, default_change_reason="演示数据")
        Child.history.model.objects.filter(effective_date__isnull=True).update(effective_date=F("reported_on"))
        ids = dict(Child.objects.filter(archive_no__in=[c.archive_no for c in batch]).values_list("archive_no", "id"))
        for e in events:
            e.child_id = ids[e.child.archive_no]
        CategoryEvent.objects.bulk_create(events, batch_size=2000)
        batch, events = [], []

    for n in range(1, children + 1):
        # zhuren's village gets a realistic 40-odd children at any demo size; the rest spread out
        village = demo_village if n <= min(45, children // 4 or 1) else g.r.choice(villages)
        c = _make_child(g, village, schools, class_map, n)
        _prepare(c)
        c.created_by = admin
        ev = apply_derivation(c, as_of=c.reported_on or today, settings=settings, new=True)
        if c.status == Child.Status.ACTIVE:
            c.entered_on = c.reported_on
        if ev is not None:
            ev.actor = admin
            events.append(ev)
        batch.append(c)
        made += 1
        if len(batch) >= 5000:
            flush()
            log(f"  已生成 {made}/{children} 名儿童")
    if batch:
        flush()
    stats.refresh()

    maoshi = Region.objects.get(code=DEMO_TOWNSHIP)
    jinxing = schools[DEMO_TOWNSHIP]["jinxing"]
    cls = SchoolClass.objects.filter(school=jinxing, grade=3).order_by("name").first()
    make_user("jiaoyu", "县教育局 业务员", "county_education", region=county)
    make_user("fulian", "县妇联 联络员", "county_partner", region=county)
    make_user("dudao", "毛市镇 儿童督导员", "township_supervisor", region=maoshi)
    make_user("zhuren", "光荣村 儿童主任", "village_director", region=demo_village)
    make_user("xiaozhang", "金星小学 业务人员", "school_staff", school=jinxing)
    make_user("banzhuren", "金星小学 三年级1班班主任", "head_teacher", school_class=cls)
    make_user("ducha", "县督查组", "inspector", region=county)
    users += [("jiaoyu", "县教育局"), ("fulian", "县妇联（只看统计）"), ("dudao", "毛市镇儿童督导员"), ("zhuren", "毛市镇光荣村儿童主任"),
              ("xiaozhang", "金星小学业务人员"), ("banzhuren", f"金星小学{cls}班主任"), ("ducha", "县督查组（只读）")]
    return DemoResult(children=made, villages=len(villages), schools=School.objects.count(), users=users)


def make_user(username: str, display: str, role: str, **node) -> User:
    user = User.objects.create(username=username, display_name=display)
    user.set_password(PASSWORD)
    user.save()
    Assignment.objects.create(user=user, role=role, **node)
    return user
