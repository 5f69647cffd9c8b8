"""The demo county's roster: a 儿童主任 in every village, a 儿童督导员 in every township and a
心理辅导教师 at every school — except two posts left vacant (a village whose director resigned
three weeks ago, a township whose supervisor was transferred ten days ago); a few tenures ended
this year and last (turnover); trainings with certificates; a social-work organisation with two
社工. The demo's logins zhuren, dudao and xinli are linked to their tenures."""
import random
import time
from datetime import date, timedelta

from shouhu.accounts.models import Assignment, User
from shouhu.regions.models import Region, School
from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
from shouhu.rules import staffing as R

from . import services as V
from .models import Appointment, Person, SocialWorkOrg, Training

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN_F = ["桂英", "秀兰", "春花", "红梅", "丽娟", "小燕", "海燕", "玉兰", "金凤", "晓琴"]
GIVEN_M = ["建国", "志强", "国平", "德华", "长青", "文斌", "永红", "卫东", "海波", "明亮"]
OTHER = ["村妇联主席", "村会计", "村（居）委会委员", "村团支部书记", "大学生村官", "计生专干", "网格员", ""]


def _person(rng: random.Random, region: Region, today: date, **over) -> Person:
    sex = rng.choice(["女", "女", "男"])
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if sex == "女" else GIVEN_M)
    values = {"name": name, "sex": sex, "birth_year": today.year - rng.randint(26, 58), "other_posts": rng.choice(OTHER),
              "phone": f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}", "region": region, "region_code": region.code}
    return Person(**{**values, **over})


def build_staffing_demo(*, today: date, rng: random.Random, log=print) -> None:
    t0 = time.monotonic()
    admin = User.objects.filter(username="admin").first()
    county = Region.objects.filter(level=3).order_by("code").first()
    if admin is None or county is None:
        return
    villages = list(Region.objects.filter(level=5, code__startswith=county.code).order_by("code"))
    townships = list(Region.objects.filter(level=4, code__startswith=county.code).order_by("code"))
    schools = list(School.objects.filter(region_code__startswith=county.code, active=True).select_related("township").order_by("region_code", "name"))
    # the two vacancies: outside the demo township, so zhuren's and dudao's pages stay whole
    vacant_village = next((v for v in reversed(villages) if not v.code.startswith(DEMO_TOWNSHIP)), None)
    vacant_township = next((t for t in reversed(townships) if t.code != DEMO_TOWNSHIP and (not vacant_village or t.code != vacant_village.code[:9])), None)
    posts = ([("village_director", v, None) for v in villages] + [("township_supervisor", t, None) for t in townships]
             + [("counsellor", None, s) for s in schools])
    people = []
    for _kind, region, school in posts:
        people.append(_person(rng, region or school.township, today, education=rng.choice(["大专", "本科", "高中", "中专"])))
    Person.objects.bulk_create(people, batch_size=1000)
    tenures, ended = [], []
    for (kind, region, school), p in zip(posts, people, strict=True):
        start = today - timedelta(days=rng.randint(200, 2400))
        code = school.region_code if school else region.code
        base = dict(kind=kind, region=region, school=school, place_code=code, created_by=admin)
        if region is not None and region in (vacant_village, vacant_township):
            left = today - timedelta(days=21 if region == vacant_village else 10)
            tenures.append(Appointment(person=p, start_on=start, end_on=left, end_reason="resign" if region == vacant_village else "transfer",
                                       end_note="外出务工" if region == vacant_village else "调县民政局", ended_by=admin, **base))
            continue
        if kind == "village_director" and rng.random() < 0.06:  # a predecessor who left: this year's and last year's turnover
            left = today - timedelta(days=rng.randint(30, 500))
            old = _person(rng, region, today, other_posts="村（居）委会委员")
            ended.append((old, Appointment(start_on=left - timedelta(days=rng.randint(400, 1500)), end_on=left,
                                           end_reason=rng.choice(["resign", "transfer", "term", "retire"]), ended_by=admin, **base)))
            start = left
        tenures.append(Appointment(person=p, start_on=start, **base))
    Person.objects.bulk_create([o for o, _ in ended])
    for o, a in ended:
        a.person = o
    Appointment.objects.bulk_create(tenures + [a for _, a in ended], batch_size=1000)
    _link(today)
    _trainings(rng, today, admin)
    _social_work(rng, today, admin, county)
    V.vacancies_refresh(today=today)  # the two vacancies, told to the county admin
    log(f"队伍建设：{Appointment.objects.on(today).count()} 人在岗，{Appointment.objects.filter(end_on__isnull=False).count()} 条离任记录，"
        f"2 个岗位空缺（{time.monotonic() - t0:.1f} 秒）")


def _link(today: date) -> None:
    """zhuren, dudao, xinli: their logins on their tenures (their roles were given with the demo's
    accounts: the tenure keeps the existing grant)."""
    for username, kind, node in (("zhuren", "village_director", {"region__code": DEMO_VILLAGE}),
                                 ("dudao", "township_supervisor", {"region__code": DEMO_TOWNSHIP}),
                                 ("xinli", "counsellor", {"school__isnull": False})):
        grant = Assignment.objects.filter(user__username=username, role=R.KINDS[kind].role, **node).select_related("user").first()
        if grant is None:
            continue
        place = {"school": grant.school} if grant.school_id else {"region": grant.region}
        a = Appointment.objects.on(today).filter(kind=kind, **place).select_related("person").first()
        if a is None:
            continue
        a.assignment = grant
        a.save(update_fields=["assignment"])
        Person.objects.filter(pk=a.person_id).update(user=grant.user)


def _trainings(rng: random.Random, today: date, admin) -> None:
    rows = []
    current = Appointment.objects.on(today).filter(kind__in=("village_director", "township_supervisor")).values_list("person_id", "place_code")
    for n, (pid, code) in enumerate(current):
        if code.startswith(DEMO_TOWNSHIP) or rng.random() < 0.5:
            rows.append(Training(person_id=pid, on=date(today.year, 3, 15) if date(today.year, 3, 15) <= today else date(today.year - 1, 9, 20),
                                 topic="儿童主任、儿童督导员能力提升培训", hours=16, organiser="县民政局", certificate_no=f"JL{today.year}-{n + 1:04d}",
                                 created_by=admin))
        if code.startswith(DEMO_TOWNSHIP):
            rows.append(Training(person_id=pid, on=today - timedelta(days=40), topic="强制报告与家庭监护评估", hours=4, organiser="县未成年人救助保护中心",
                                 created_by=admin))
    Training.objects.bulk_create(rows, batch_size=1000)


def _social_work(rng: random.Random, today: date, admin, county: Region) -> None:
    """003: 民政局聘用专业社工 — one organisation, two social workers (one at 毛市镇, one at the county)."""
    org = SocialWorkOrg.objects.create(name="监利市阳光社会工作服务中心", region=county, contact="周敏", phone="0716-3321234",
                                       contract_start=date(today.year, 1, 1), contract_end=date(today.year, 12, 31),
                                       note="政府购买服务：困境儿童个案管理、留守儿童心理疏导")
    maoshi = Region.objects.filter(code=DEMO_TOWNSHIP).first() or county
    for region, name in ((maoshi, "周晓雯"), (county, "彭立新")):
        p = _person(rng, region, today, org=org, other_posts="", education="本科")
        p.name = name
        p.save()
        Appointment.objects.create(person=p, kind="social_worker", region=region, org=org, place_code=region.code,
                                   start_on=date(today.year, 1, 1) if date(today.year, 1, 1) < today else today, created_by=admin)
