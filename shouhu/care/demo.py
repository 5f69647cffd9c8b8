"""Demo care work (关爱帮扶) for the demo county, built by `shouhu.demo.build_demo` after the
children: helpers of every kind (with trainings and service hours), pairings (key children
one-to-one, a few still without one), a year of visits by village directors, township
supervisors, head teachers and helpers at about the frequencies of the visit rules but with
gaps (so "my tasks" has overdue visits), a year of family contact for the left-behind children,
micro-wishes in every status, activities with participants, counselling at 金星小学 and a care
month (关爱保护月) running today; then the maintained tables (`care.dues.services.refresh_all`).

Seeded by the caller's `rng`. The big tables (visits, family contact) are written a few
thousand children at a time through `core.bulk.insert` (COPY on PostgreSQL), so time and
memory grow linearly with the number of children."""
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from datetime import time as dtime
from types import SimpleNamespace

from django.db import connection, models
from django.utils import timezone

from shouhu.accounts.models import Assignment, User
from shouhu.core import bulk
from shouhu.regions.models import Region, School
from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE, PASSWORD, Gen
from shouhu.registry.models import Child
from shouhu.rules import care as R

from .common import GROUP_FIELDS, groups_of
from .dues.services import refresh_all
from .models import (
    Activity,
    Campaign,
    CounsellingSession,
    FamilyContact,
    Helper,
    Pairing,
    Participation,
    ServiceRecord,
    Training,
    Visit,
    Wish,
)

KID_FIELDS = ("id", "entered_on", "village_code", "township_code", "school_id", "school_class_id", "birth_date", "schooling", "boarding",
              "carer_relation", "father_situation", "mother_situation", "father_since", "mother_since", "living_alone",
              *GROUP_FIELDS.values())
RULES = R.rules_from(R.DEFAULT_VISIT_RULES)
HELPER_DAYS = min(r.interval_days for r in RULES if r.role == "helper")
CHUNK = 4000  # children per batch of visits and contacts

# -- words ---------------------------------------------------------------------------------------
LIFE = ("饮食起居正常，衣着干净整洁", "一日三餐按时，生活规律", "身体健康，近期没有生病", "家中卫生一般，已提醒勤洗被褥",
        "生活用品齐全，冬衣已备好", "住房为砖混结构，居住条件尚可", "零花钱由父母按月寄回，开支有节制", "饮食偏单一，已建议多吃蔬菜和鸡蛋",
        "感冒刚好，精神状态不错", "个子长高了，衣服鞋子偏小", "自己会洗衣服、整理房间", "家里养了鸡鸭，生活较充实")
STUDY_SCHOOL = ("在校表现良好，成绩中等偏上", "数学有进步，语文需加强", "作业能按时完成，爷爷奶奶辅导有困难", "上课注意力不够集中，已与班主任沟通",
                "期中考试成绩班级前十", "喜欢阅读，常去村儿童之家借书", "英语偏弱，已请志愿者周末辅导", "学习积极性不高，需多鼓励",
                "成绩稳定，担任小组长", "偏科明显，喜欢画画")
STUDY_SMALL = ("在镇中心幼儿园上学，适应良好", "尚未入园，在家由老人照看", "语言发育正常，能认简单的字", "活泼好动，能背几首儿歌")
STUDY_OLDER = ("在县城高中住校，学习紧张", "就读中职学校，学汽修专业", "周末回家，学习压力较大", "在外地中职实习，每周与家里联系")
STUDY_OUT = ("已不在学，在家帮忙务农，已宣传继续就学政策", "未在学，想学一门手艺，已介绍职业培训信息")
MIND = ("性格开朗，愿意交流", "比较内向，提到父母时情绪低落", "想念在外打工的妈妈，已鼓励多和父母视频", "情绪稳定，和同学相处融洽",
        "近期有些沉默，已请班主任多关注", "自信心有提升，乐于参加集体活动", "与爷爷奶奶偶有顶嘴，总体平稳", "见到走访人员主动打招呼，状态较好")
SAFETY = ("上学由爷爷接送，路途安全", "已教育不玩火、不跟陌生人走", "农药已放在孩子够不到的地方", "进行了防性侵安全教育",
          "骑自行车上学，已提醒注意交通安全", "手机使用时间较长，已提醒防网络沉迷", "家中门窗牢固，无安全隐患", "已讲解防拐骗知识")
SAFETY_SUMMER = ("讲解了防溺水“六不准”", "已提醒暑假不私自下河下塘游泳", "家附近有水塘，已提醒照护人看好孩子")
SAFETY_WINTER = ("冬季取暖用电安全已提醒", "提醒不在室内用炭火取暖，防一氧化碳中毒", "家中电线老化，已提醒更换")
CARER_GRAND = ("{rel}身体尚可，照料用心", "{rel}年纪较大，辅导作业吃力", "{rel}患高血压，照料能力一般", "委托照护协议已签订，{rel}履职到位",
               "{rel}对孩子较溺爱，已沟通教育方法", "{rel}农忙时照看不过来，已请邻居帮忙")
CARER_PARENT = ("父亲在家照顾，母亲外出务工", "母亲在家照顾，父亲外出务工", "父（母）一方重病在家，家庭负担重", "在家的一方照料尚可")
CARER_KEY = ("由亲属照料，基本生活有保障", "由叔叔家照料，生活补贴按月发放", "亲属照料用心，已落实基本生活保障", "照护人年老体弱，需重点关注")
CARER_ALONE = ("独自在家居住，已落实村组干部每日查看", "照护缺位，已联系亲属商量照料安排")
NEEDS = (("课外读物", "已联系结对帮扶人捐赠图书"), ("冬衣棉被", "已联系镇妇联送去冬衣"), ("学习用品", "已登记微心愿"),
         ("作业辅导", "已安排志愿者每周辅导一次"), ("助学金申请", "已协助准备申请材料"), ("医疗救助", "已转介镇民政办申请临时救助"),
         ("多与父母联系", "已联系父母每周至少视频一次"), ("心理疏导", "已转介学校心理辅导老师"))
FOLLOW = ("下次走访时了解落实情况", "两周后电话回访", "与班主任保持沟通", "跟进救助申请进度")
# concern -> (area, what was seen, needs, actions, follow-up)
CONCERNS = {
    "住房危险": ("safety", "房屋墙体开裂，雨季存在隐患", "房屋维修", "已上报镇民政办申请危房改造", "跟进维修进度"),
    "营养不良": ("life", "身形偏瘦，饮食营养不足", "营养改善", "已申请临时救助，送去牛奶鸡蛋", "一个月后复查身体"),
    "独自居住": ("carer", "祖父住院，孩子独自在家", "临时照料", "已安排邻居临时照看，联系父母返乡", "确认父母返乡安排"),
    "辍学迹象": ("study", "近一周多次未到校", "劝返复学", "已与班主任、家长沟通劝返", "一周后到校核实"),
    "疑似受伤": ("life", "手臂有淤青，称摔倒所致", "伤情核实", "已带至卫生院检查并告知家长", "三天内复访"),
    "疑似受虐待或欺凌": ("mind", "称在学校被高年级同学欺负", "校园欺凌干预", "已报告学校并约谈相关学生家长", "持续关注在校情况"),
    "自伤或轻生言语": ("mind", "谈话中流露消极念头", "心理危机干预", "已联系心理辅导老师，通知监护人加强看护", "安排心理辅导并每周回访"),
}
CONCERN_WEIGHTS = (20, 18, 14, 14, 14, 14, 6)
CONTACT_NOTES = ("询问学习和身体情况", "叮嘱注意安全，听爷爷奶奶的话", "孩子说想妈妈了", "约定春节回家", "视频辅导作业",
                 "信号不好，通话时间较短", "妈妈寄来了新衣服", "讲了考试成绩，受到表扬", "爸爸答应暑假接孩子去打工地团聚")
WISHES = ("一个新书包", "一套课外书", "一双运动鞋", "一盏护眼台灯", "一个篮球", "一盒水彩笔", "一件羽绒服", "一本新华字典",
          "一副乒乓球拍", "一个足球", "一套文具", "一辆自行车", "一个电话手表，方便和爸爸妈妈联系", "一套科普图书", "一把小提琴", "一床新棉被")
DONOR_UNITS = ("监利市民政局", "监利市妇联", "监利市团委", "农业银行监利支行", "监利市青年志愿者协会", "爱心企业", "监利市实验中学", "个人")
TRAININGS = (("农村留守儿童关爱保护政策培训", "监利市民政局"), ("儿童心理健康辅导基础", "监利市妇联"), ("儿童安全防护知识培训", "监利市民政局"),
             ("家访技巧与记录规范", "镇民政办"), ("志愿服务礼仪与安全", "监利市团委"))
SERVICES = ("结对走访", "课业辅导", "陪伴阅读", "协助开展防溺水宣传", "儿童之家值班", "亲情视频连线协助", "节日慰问")
SKILLS = ("", "", "课业辅导", "心理咨询", "书法", "篮球", "英语", "医护", "手工", "舞蹈")
COUNSEL_TOPICS = ("亲子分离焦虑", "学习压力", "同伴关系", "情绪管理", "自我认同", "网络使用")
COUNSEL_NOTES = ("孩子谈到对父母的思念，情绪有波动，引导其用写信和视频表达。", "学习压力较大，睡眠不好，一起制定了作息和学习计划。",
                 "与同学发生矛盾，练习了表达感受的方法，约定下次跟进。", "易发脾气，学习了深呼吸和情绪日记，状态有改善。",
                 "自我评价偏低，发掘了其绘画特长，鼓励参加兴趣小组。")
ACTIVITIES = {  # kind -> (months, titles)
    "阅读": ((3, 4, 10), ("“书香伴成长”读书分享会", "儿童之家绘本共读")),
    "法治教育": ((3, 9, 12), ("法治进校园——未成年人保护法宣讲", "“护苗”网络安全课")),
    "安全教育": ((1, 5, 6, 12), ("防溺水安全教育专题课", "寒假安全教育", "交通安全进校园")),
    "心理健康": ((4, 10, 11), ("“阳光心灵”心理健康讲座", "团体心理辅导")),
    "亲子活动": ((2, 8), ("春节返乡父母亲子活动", "暑期“小候鸟”亲子团聚")),
    "文体活动": ((6, 10), ("“六一”文艺汇演", "趣味运动会")),
    "夏令营": ((7, 8), ("“七彩假期”留守儿童夏令营",)),
}
ONE_TO_ONE_KINDS = (("干部", 35), ("党员", 20), ("五老", 15), ("代理家长/爱心妈妈", 30))
ALL_KINDS = ("干部", "教师", "志愿者", "五老", "党员", "代理家长/爱心妈妈")


def _rows(model):
    """A maker of plain row objects for `_insert` (a million model instances cost more than the insert)."""
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
    return lambda **kw: SimpleNamespace(**{**defaults, **kw})


def _insert(model, rows) -> None:
    """`core.bulk.insert` (COPY) on PostgreSQL. On SQLite one executemany of plain tuples:
    bulk_create prepares every value through its field, which costs several times the insert;
    here only dates, times and JSON are converted (memoised: a year has 365 days)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        bulk.insert(model, rows)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]

    def converter(f):
        if not isinstance(f, (models.DateField, models.JSONField, models.DecimalField)):
            return None
        cache = {}

        def convert(v):
            key = tuple(v) if isinstance(v, list) else v
            if key not in cache:
                cache[key] = f.get_db_prep_save(v, connection)
            return cache[key]
        return convert

    getters = [(f.attname, converter(f)) for f in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(connection.ops.quote_name(model._meta.db_table),
                                                   ", ".join(connection.ops.quote_name(f.column) for f in fields),
                                                   ", ".join(["%s"] * len(fields)))
    with connection.cursor() as cur:
        cur.executemany(sql, [tuple(c(getattr(o, a)) if c else getattr(o, a) for a, c in getters) for o in rows])


class CareDemo:
    def __init__(self, *, today: date, rng, log):
        self.today, self.r, self.log = today, rng, log
        self.year_ago = today - timedelta(days=365)
        self.g = Gen(0, today)
        self.g.r = rng  # names and phones from the demo's generator, drawn from our seed
        township = Region.objects.select_related("parent").get(code=DEMO_TOWNSHIP)
        self.county = township.parent
        self.townships = {t.code: t for t in Region.objects.filter(parent=self.county).order_by("code")}
        self.villages = {v.code: v for v in Region.objects.filter(parent__in=self.townships.values()).select_related("parent").order_by("code")}
        self.schools = {s.id: s for s in School.objects.filter(region_code__in=self.townships).select_related("township").order_by("id")}
        self.users = User.objects.in_bulk(["admin", "dudao", "zhuren", "banzhuren", "xiaozhang", "zhiyuanzhe"], field_name="username")
        self.banzhuren_class = Assignment.objects.filter(user__username="banzhuren").values_list("school_class_id", flat=True).first()
        self.stamps: dict[date, datetime] = {}
        self.names: dict = {}
        self.counts: dict[str, int] = defaultdict(int)

    # -- small helpers -------------------------------------------------------------------------
    def stamp(self, day: date, hour: int = 17) -> datetime:
        key = (day, hour)
        if key not in self.stamps:
            self.stamps[key] = timezone.make_aware(datetime.combine(day, dtime(hour, 30)))
        return self.stamps[key]

    def person(self, key, sex: str | None = None) -> str:
        """A stable made-up name for a village director, supervisor or teacher."""
        if key not in self.names:
            s = sex or self.r.choice("男女")
            self.names[key] = self.g.surname() + self.g.given(s, adult=True)
        return self.names[key]

    def between(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.r.randint(0, max(0, (hi - lo).days)))

    def schedule(self, start: date, end: date, every: int, lapse: float) -> list[date]:
        """Visit days about every `every` days from `start` to `end`, with a missed visit now
        and then; with probability `lapse` the visits stop a while before `end` (overdue now)."""
        r = self.r
        stop = end - timedelta(days=int(every * r.uniform(1.0, 1.6))) if r.random() < lapse else end
        d = start + timedelta(days=r.randrange(every))
        days = []
        while d <= stop:
            days.append(d)
            d += timedelta(days=max(1, int(every * (r.uniform(1.5, 2.3) if r.random() < 0.1 else r.uniform(0.8, 1.15)))))
        return days

    # -- helpers and pairing ---------------------------------------------------------------------
    def new_helper(self, kind: str, *, village=None, township=None, school=None) -> Helper:
        r, g = self.r, self.g
        sex = "女" if kind == "代理家长/爱心妈妈" else ("男" if kind == "五老" and r.random() < 0.8 else r.choice("男女"))
        place = village or township
        tname = (village.parent if village else township).short_name if place else school.township.short_name
        unit = {"干部": f"{village.short_name}村委会" if village else f"{tname}人民政府", "教师": school.name if school else "",
                "志愿者": r.choice([f"{tname}志愿服务队", "监利市青年志愿者协会"]), "五老": f"{tname}关工委",
                "党员": f"{village.short_name}党支部" if village else f"{tname}机关党支部",
                "代理家长/爱心妈妈": f"{tname}妇联"}.get(kind, "")
        h = Helper(name=g.surname() + g.given(sex, adult=True), kind=kind, sex=sex, phone=g.phone(), unit=unit,
                   region=place, school=school, skills=r.choice(SKILLS), created_by=self.users["admin"])
        if kind == "志愿者":
            h.registered_on = self.between(self.today - timedelta(days=1500), self.today - timedelta(days=30))
            h.volunteer_no = f"JLZY{h.registered_on:%Y}{r.randrange(10000):04d}"
        h.created_at = self.stamp(self.between(self.today - timedelta(days=700), self.year_ago), 10)
        self.helpers.append(h)
        return h

    def helper_for(self, slot, kind: str, capacity: int, **place) -> Helper:
        pool = self.pool[slot]
        if not pool or pool[-1][1] >= capacity:
            pool.append([self.new_helper(kind, **place), 0])
        pool[-1][1] += 1
        return pool[-1][0]

    def pair(self, kids) -> None:
        """Key children mostly one-to-one (a few without, a few only one-to-many); some others
        one-to-many with a teacher or volunteer, or paired with a family."""
        r, today = self.r, self.today
        self.helpers: list[Helper] = []
        self.pool: dict = defaultdict(list)
        self.pairings: list[tuple] = []  # (helper, child_id, mode, start, end, reason)
        taken = set(Pairing.objects.values_list("child_id", flat=True))  # zhiyuanzhe's children
        left_gap_here = replaced = False
        for kid in kids:
            if kid.id in taken:
                continue
            groups = groups_of(kid)
            village = self.villages[kid.village_code]
            if R.ONE_TO_ONE_GROUPS & groups:
                x = r.random()
                here = kid.village_code == DEMO_VILLAGE
                if (here and not left_gap_here) or x < (0.15 if kid.township_code == DEMO_TOWNSHIP else 0.06):
                    left_gap_here |= here
                    continue  # still on the one-to-one gap list
                mode = R.ONE_TO_ONE if x < 0.95 else "一对多"
                kind = r.choices([k for k, _ in ONE_TO_ONE_KINDS], [w for _, w in ONE_TO_ONE_KINDS])[0]
                helper = self.helper_for(("v", kid.village_code, kind), kind, 2 if mode == R.ONE_TO_ONE else 4, village=village)
            else:
                p = 0.25 if kid.is_difficulty or kid.flag_poor_guardianship else 0.12 if kid.is_left_behind else 0.05
                if r.random() >= p:
                    continue
                if r.random() < 0.12:
                    mode, kind = "家庭结对", r.choice(["党员", "干部"])
                    helper = self.helper_for(("f", kid.village_code, kind), kind, 1, village=village)
                elif kid.school_id:
                    mode, kind = "一对多", "教师"
                    helper = self.helper_for(("s", kid.school_id), kind, 5, school=self.schools[kid.school_id])
                else:
                    mode, kind = "一对多", "志愿者"
                    helper = self.helper_for(("t", kid.township_code), kind, 4, township=village.parent)
            start = today - timedelta(days=r.randint(20, 700))
            if r.random() < 0.07 or not replaced:  # an earlier helper (of the same kind and place) left
                replaced = True
                end = start - timedelta(days=r.randint(1, 20))
                where = ({"school": helper.school} if helper.school else {"village": helper.region} if helper.region.level == 5
                         else {"township": helper.region})
                self.pairings.append((self.new_helper(helper.kind, **where), kid.id, mode, end - timedelta(days=r.randint(90, 400)), end,
                                      r.choice(["帮扶人工作调动", "帮扶人外出务工", "帮扶人身体原因"])))
            self.pairings.append((helper, kid.id, mode, start, None, ""))
        # every kind of helper in every township, also those not paired yet (newly registered)
        have = {(h.region.parent.code if h.region and h.region.level == 5 else h.region.code if h.region else h.school.region_code, h.kind)
                for h in self.helpers}
        for code, t in self.townships.items():
            for kind in ALL_KINDS:
                if (code, kind) not in have:
                    school = next((s for s in self.schools.values() if s.region_code == code), None)
                    if kind == "教师" and school:
                        self.new_helper(kind, school=school)
                    else:
                        self.new_helper(kind, township=t)
            for _ in range(2):
                self.new_helper("志愿者", township=t).active = r.random() > 0.3
        bulk.insert(Helper, self.helpers, need_ids=True)
        make = _rows(Pairing)
        _insert(Pairing, [make(helper_id=h.pk, child_id=c, mode=m, start=s, end=e, end_reason=why, note="",
                               created_by_id=self.users["admin"].pk, created_at=self.stamp(s, 10))
                          for h, c, m, s, e, why in self.pairings])
        self.counts["helpers"], self.counts["pairings"] = len(self.helpers), len(self.pairings)

    def helper_records(self) -> None:
        """Trainings for most helpers, service hours for volunteers, 五老, party members, 爱心妈妈."""
        r = self.r
        trainings, services = [], []
        mine = Helper.objects.filter(user=self.users["zhiyuanzhe"]).first()
        for h in [*self.helpers, *([mine] if mine else [])]:
            if r.random() < 0.6 or h is mine:
                for topic, org in r.sample(TRAININGS, r.randint(1, 2)):
                    trainings.append(Training(helper_id=h.pk, date=self.between(self.year_ago, self.today - timedelta(days=7)), topic=topic,
                                              hours=r.choice([2, 3, 4, 6, 8]), organiser=org))
            if h.kind in ("志愿者", "五老", "党员", "代理家长/爱心妈妈") and h.active:
                for _ in range(r.randint(2, 10)):
                    services.append(ServiceRecord(helper_id=h.pk, date=self.between(self.year_ago, self.today), hours=r.choice([1.5, 2, 2, 3, 4]),
                                                  content=r.choice(SERVICES)))
        bulk.insert(Training, trainings)
        bulk.insert(ServiceRecord, services)
        self.counts["trainings"], self.counts["service_records"] = len(trainings), len(services)

    # -- visits, contacts, wishes, counselling ------------------------------------------------------
    def visit_text(self, kid, mode: str, day: date) -> dict:
        r = self.r
        remote = mode in ("电话", "视频")
        if kid.schooling in ("小学", "初中"):
            study = STUDY_SCHOOL
        elif kid.schooling in ("未入园", "幼儿园"):
            study = STUDY_SMALL
        elif kid.schooling in ("高中", "中职"):
            study = STUDY_OLDER
        else:
            study = STUDY_OUT
        if kid.living_alone or kid.flag_unguarded:
            carer = CARER_ALONE
        elif kid.is_orphan or kid.is_de_facto:
            carer = CARER_KEY
        elif "在家" in (kid.father_situation, kid.mother_situation) or not kid.carer_relation:
            carer = CARER_PARENT
        else:
            carer = CARER_GRAND
        season = SAFETY_SUMMER if 5 <= day.month <= 9 else SAFETY_WINTER if day.month in (11, 12, 1, 2) else ()
        t = {"life": "" if remote and r.random() < 0.6 else r.choice(LIFE), "study": r.choice(study), "mind": r.choice(MIND),
             "safety": "" if remote and r.random() < 0.5 else r.choice(SAFETY + season + season),
             "carer": r.choice(carer).format(rel=kid.carer_relation or "照护人"),
             "concerns": [], "needs": "", "actions": "", "follow_up": "", "follow_up_date": None}
        x = r.random()
        if x < 0.025 and not remote:
            concern = r.choices(list(CONCERNS), CONCERN_WEIGHTS)[0]
            area, seen, t["needs"], t["actions"], t["follow_up"] = CONCERNS[concern]
            t[area] = seen
            t["concerns"] = [concern]
            t["follow_up_date"] = day + timedelta(days=r.randint(3, 14))
        elif x < 0.17:
            t["needs"], t["actions"] = r.choice(NEEDS)
            if r.random() < 0.5:
                t["follow_up"], t["follow_up_date"] = r.choice(FOLLOW), day + timedelta(days=r.randint(7, 30))
        return t

    def visitor(self, kid, role: str):
        """(user who entered it, visitor's name) for a visit by an admin/education role."""
        if role == "village_director":
            user = self.users["zhuren"] if kid.village_code == DEMO_VILLAGE else None
            return user, str(user) if user else self.person(("director", kid.village_code))
        if role == "township_supervisor":
            user = self.users["dudao"] if kid.township_code == DEMO_TOWNSHIP else None
            return user, str(user) if user else self.person(("supervisor", kid.township_code))
        user = self.users["banzhuren"] if kid.school_class_id == self.banzhuren_class else None
        return user, str(user) if user else self.person(("teacher", kid.school_class_id))

    MODES = {  # role -> (modes, cumulative weights)
        "village_director": (("入户", "电话", "视频"), (70, 90, 100)), "township_supervisor": (("入户", "电话"), (85, 100)),
        "head_teacher": (("入户", "在校", "电话"), (55, 90, 100)), "helper": (("入户", "电话", "视频"), (55, 80, 100)),
    }

    def visits_of(self, kid, facts, out: list) -> None:
        r, today = self.r, self.today
        groups = groups_of(kid)
        here = kid.township_code == DEMO_TOWNSHIP
        jobs = []
        since = max(self.year_ago, kid.entered_on or self.year_ago)  # no visit before the child was registered
        for d in R.visit_dues(groups=groups, active=True, since=since, rules=RULES, pairings=[], last_visits={}, today=today):
            if d.role == "head_teacher" and not kid.school_class_id:
                continue
            # the demo users' children lapse a little more often, so their task lists have overdue visits
            mine = here and d.role != "head_teacher" or d.role == "head_teacher" and kid.school_class_id == self.banzhuren_class
            lapse = 0.2 if mine else 0.12
            user, name = self.visitor(kid, d.role)
            jobs.append((d.role, None, user, name, self.schedule(since, today, d.interval_days, lapse)))
        for helper_id, helper_name, helper_user, start, end in facts:
            start = max(start, since)
            user = helper_user or (self.users["zhuren"] if kid.village_code == DEMO_VILLAGE else None)
            jobs.append(("helper", helper_id, user, helper_name, self.schedule(start, end or today, HELPER_DAYS, 0.2)))
        make = self.make_visit
        for role, helper_id, user, name, days in jobs:
            modes, cum = self.MODES[role]
            for day in days:
                mode = r.choices(modes, cum_weights=cum)[0]
                out.append(make(child_id=kid.id, date=day, mode=mode, visitor_id=user.pk if user else None, visitor_role=role,
                                helper_id=helper_id, visitor_name=name[:32], created_at=self.stamp(day), **self.visit_text(kid, mode, day)))

    def contacts_of(self, kid, out: list) -> None:
        """Weekly-ish calls and videos with the parents away, with gaps; some children have
        heard nothing for weeks."""
        r, today = self.r, self.today
        away = [p for p in ("father", "mother") if getattr(kid, f"{p}_situation") == "外出务工"]
        since = max([getattr(kid, f"{p}_since") or self.year_ago for p in away] + [self.year_ago])
        whom = ("父母双方", "母亲", "父亲") if len(away) == 2 else ("父亲",) if away == ["father"] else ("母亲",) if away else ("其他亲属",)
        stop = today - timedelta(days=r.randint(15, 60)) if r.random() < 0.1 else today
        mean = 7 * r.uniform(0.85, 1.25)
        place = "学校亲情联系室" if kid.boarding else "家中"
        recorder = (self.users["zhuren"].pk if kid.village_code == DEMO_VILLAGE
                    else self.users["banzhuren"].pk if kid.school_class_id == self.banzhuren_class else None)
        d = since + timedelta(days=r.randrange(7))
        make = self.make_contact
        while d <= stop:
            x = r.random()
            home_time = d.month in (1, 2, 7, 8)
            kind = "见面" if x < (0.12 if home_time else 0.02) else "书信" if x < 0.03 + (0.12 if home_time else 0.02) else r.choice(("电话", "视频"))
            out.append(make(child_id=kid.id, date=d, kind=kind, with_whom=r.choice(whom),
                            place="家中" if kind == "见面" else place if r.random() < 0.9 else "村儿童之家",
                            minutes=r.randint(5, 40) if kind in ("电话", "视频") else None,
                            note=r.choice(CONTACT_NOTES) if r.random() < 0.35 else "", recorded_by_id=recorder, created_at=self.stamp(d, 20)))
            gap = r.uniform(14, 35) if r.random() < 0.05 else mean * r.uniform(0.6, 1.3)
            d += timedelta(days=max(1, int(gap)))

    def wishes_of(self, kid, out: list) -> None:
        """A fifth of the children have a wish this year; a third of those were registered for
        the care month and are being met during it."""
        r, today = self.r, self.today
        pick = r.random()
        if pick >= 0.2:
            return
        for n in range(1 if r.random() < 0.85 else 2):
            now = pick < 0.07 and n == 0
            created = self.between(self.campaign.start - timedelta(days=10), today) if now else self.between(self.year_ago, today)
            claimed = created + timedelta(days=r.randint(1, 7 if now else 20))
            fulfilled = claimed + timedelta(days=r.randint(2, 10 if now else 25))
            x = r.random()
            status = ("cancelled" if x < 0.05 else "open" if x < 0.17 or claimed > today else "claimed" if x < 0.3 or fulfilled > today
                      else "fulfilled")
            w = Wish(child_id=kid.id, text=r.choice(WISHES), created_on=created, status=status,
                     created_by_id=self.users["zhuren"].pk if kid.village_code == DEMO_VILLAGE else None)
            if status in ("claimed", "fulfilled"):
                unit = r.choice(DONOR_UNITS)
                w.donor_name, w.donor_phone = self.g.surname() + self.g.given(r.choice("男女"), adult=True), self.g.phone()
                w.donor_unit, w.claimed_on = "" if unit == "个人" else unit, claimed
            if status == "fulfilled":
                w.fulfilled_on, w.fulfil_note = fulfilled, r.choice(("已送到孩子手中，孩子很开心", "由结对帮扶人转交", "在关爱活动上集中发放"))
            out.append(w)

    def counselling_of(self, kid, out: list) -> None:
        r = self.r
        # about one pupil in seven, and always the first: a small demo county (300 children) has few
        # pupils at 金星小学, and the counsellor's screens must not be empty on any day
        if kid.school_id != self.jinxing or (r.random() >= 0.15 and self.counselled):
            return
        self.counselled += 1
        d = self.between(self.year_ago, self.today - timedelta(days=20))
        for _ in range(r.randint(1, 4)):
            if d > self.today:
                break
            nxt = d + timedelta(days=r.randint(14, 30))
            out.append(CounsellingSession(child_id=kid.id, counsellor_id=self.xinli.pk, date=d, topic=r.choice(COUNSEL_TOPICS),
                                          notes=r.choice(COUNSEL_NOTES), risk="中" if r.random() < 0.12 else "低",
                                          next_date=nxt if nxt > self.today or r.random() < 0.3 else None))
            d = nxt

    def records(self, kids, campaign: Campaign) -> None:
        """Visits, contacts, wishes and counselling, a chunk of children at a time."""
        self.make_visit, self.make_contact, self.campaign = _rows(Visit), _rows(FamilyContact), campaign
        facts = defaultdict(list)
        helper_users = dict(Helper.objects.exclude(user=None).values_list("id", "user_id"))
        users = User.objects.in_bulk(list(helper_users.values()))
        names = {h.pk: h.name for h in self.helpers}
        for hid, name in Helper.objects.exclude(id__in=names).values_list("id", "name"):
            names[hid] = name
        for hid, cid, start, end in Pairing.objects.values_list("helper_id", "child_id", "start", "end").order_by("id"):
            facts[cid].append((hid, names[hid], users.get(helper_users.get(hid)), start, end))
        self.jinxing = School.objects.filter(name="金星小学").values_list("id", flat=True).first()
        school = School.objects.get(pk=self.jinxing) if self.jinxing else None
        self.xinli = _user("xinli", "金星小学 心理辅导老师", "counsellor", school=school) if school else None
        self.counselled = 0
        for i in range(0, len(kids), CHUNK):
            visits, contacts, wishes, sessions = [], [], [], []
            for kid in kids[i:i + CHUNK]:
                self.visits_of(kid, facts.get(kid.id, ()), visits)
                if kid.is_left_behind:
                    self.contacts_of(kid, contacts)
                self.wishes_of(kid, wishes)
                if self.xinli:
                    self.counselling_of(kid, sessions)
            _insert(Visit, visits)
            _insert(FamilyContact, contacts)
            bulk.insert(Wish, wishes)
            bulk.insert(CounsellingSession, sessions)
            for k, v in (("visits", visits), ("contacts", contacts), ("wishes", wishes), ("counselling", sessions)):
                self.counts[k] += len(v)
            self.log(f"  关爱记录：{min(i + CHUNK, len(kids))}/{len(kids)} 名儿童，走访 {self.counts['visits']}，亲情联系 {self.counts['contacts']}")

    # -- activities and the care month ---------------------------------------------------------------
    def activities(self, kids, campaign: Campaign) -> None:
        r, today = self.r, self.today
        by_township, by_school = defaultdict(list), defaultdict(list)
        for kid in kids:
            by_township[kid.township_code].append(kid.id)
            if kid.school_id:
                by_school[kid.school_id].append(kid.id)
        acts: list[tuple[Activity, list[int]]] = []
        admin, dudao = self.users["admin"], self.users["dudao"]

        def add(title, kind, day, region, place, organiser, pool, n):
            who = r.sample(pool, min(max(n, 1), len(pool)))
            if who:
                a = Activity(title=title, kind=kind, date=day, place=place, organiser=organiser, region=region,
                             description=f"{organiser}组织开展{title}，参加儿童{len(who)}人。",
                             created_by=dudao if region.code.startswith(DEMO_TOWNSHIP) else admin)
                acts.append((a, who))

        kinds = list(ACTIVITIES)
        for code, t in self.townships.items():
            pool = by_township.get(code, [])
            if not pool:
                continue
            villages = [v for v in self.villages.values() if v.parent_id == t.id]
            for _ in range(max(4, len(pool) // 80)):
                kind = r.choice(kinds)
                months, titles = ACTIVITIES[kind]
                month = r.choice(months)
                year = today.year if month <= today.month else today.year - 1
                day = min(today, date(year, month, r.randint(1, 28)))
                v = r.choice(villages)
                place, region = ((f"{v.short_name}儿童之家", v) if r.random() < 0.5 else (f"{t.short_name}综合文化站", t))
                add(r.choice(titles), kind, day, region, place, f"{t.short_name}人民政府", pool, r.randint(12, 45))
        everyone = [k.id for k in kids]
        add("“七彩假期”留守儿童夏令营", "夏令营", min(today, date(today.year if today.month > 7 else today.year - 1, 7, 20)), self.county,
            "监利市青少年校外活动中心", "监利市民政局、团市委", everyone, 60)
        # the care month: an activity in every school so far, with about half its pupils
        for sid, pool in by_school.items():
            s = self.schools[sid]
            add("关爱保护月·安全与法治教育进校园", "法治教育", self.between(campaign.start, today), s.township, s.name,
                f"{s.township.short_name}人民政府、{s.name}", pool, int(len(pool) * r.uniform(0.35, 0.6)))
        bulk.insert(Activity, [a for a, _ in acts], need_ids=True)
        make = _rows(Participation)
        parts = [make(activity_id=a.pk, child_id=c, date=a.date) for a, ids in acts for c in ids]
        _insert(Participation, parts)
        self.counts["activities"], self.counts["participations"] = len(acts), len(parts)

    def new_campaign(self) -> Campaign:
        start = self.today - timedelta(days=14)
        return Campaign.objects.create(name=f"{self.county.short_name}{start.year}年农村留守儿童和困境儿童关爱保护月", region=self.county,
                                       start=start, end=self.today + timedelta(days=16), created_by=self.users["admin"])


def _user(username: str, display: str, role: str, **node) -> User:
    user = User.objects.create(username=username, display_name=display)
    user.set_password(PASSWORD)
    user.save()
    Assignment.objects.create(user=user, role=role, **node)
    return user


def build_care_demo(*, today: date, rng, log=print) -> list[tuple[str, str]]:
    """Care work for the children already in the demo county; returns the logins it added."""
    t0 = time.monotonic()
    d = CareDemo(today=today, rng=rng, log=log)
    kids = list(Child.objects.filter(status=Child.Status.ACTIVE).order_by("id").values_list(*KID_FIELDS, named=True))
    if not kids:  # an empty county (the import benchmark's): nothing to care for
        return []
    d.pair(kids)
    d.helper_records()
    log(f"  帮扶人 {d.counts['helpers']} 名，结对 {d.counts['pairings']} 对（{time.monotonic() - t0:.1f} 秒）")
    campaign = d.new_campaign()
    d.records(kids, campaign)
    d.activities(kids, campaign)
    log(f"  关爱活动 {d.counts['activities']} 次，参加 {d.counts['participations']} 人次；正在计算待办与关爱保护月进度")
    refresh_all(campaigns=[campaign])
    c = d.counts
    log(f"关爱帮扶：帮扶人 {c['helpers']}，结对 {c['pairings']}，走访 {c['visits']}，亲情联系 {c['contacts']}，微心愿 {c['wishes']}，"
        f"活动 {c['activities']}（{c['participations']} 人次），心理辅导 {c['counselling']}（{time.monotonic() - t0:.0f} 秒）")
    return [("xinli", "金星小学心理辅导老师（可看心理辅导记录）")] if d.xinli else []
