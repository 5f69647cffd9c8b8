"""The demo county's supervision: last month's routine inspection of 毛市镇 (done: a sample in 光荣村
checked, a finding passed, another overdue and answered by a 约谈), and this month's unannounced
visit (a sample half checked, a finding waiting for the village, one waiting for the township's
re-check, one sent back), so every state shows."""
import base64
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.core.files.base import ContentFile
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.regions.models import Region
from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
from shouhu.registry.models import Child
from shouhu.rules import evaluation as E

from . import scoreboard as SB
from . import services as V
from .models import Finding, FindingStep, Inspection

# a 1×1 PNG: the demo's evidence photo
PHOTO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
YES = {"present": "yes", "carer": "yes", "visits": "yes", "agreement": "yes"}


def _photo(name: str) -> ContentFile:
    return ContentFile(PHOTO, name=name)


def _backdate(f: Finding, found: date, *, days: int = 8) -> Finding:
    Finding.objects.filter(pk=f.pk).update(found_on=found, due_on=found + timedelta(days=days))
    FindingStep.objects.filter(finding=f, action="open").update(at=timezone.make_aware(datetime.combine(found, dtime(9))))
    f.refresh_from_db()
    return f


def build_supervision_demo(*, today: date, rng: random.Random, log=print) -> None:
    t0 = time.monotonic()
    if not Child.objects.filter(village__code=DEMO_VILLAGE, status=Child.Status.ACTIVE).exists():
        return  # a county without children (a benchmark's scratch county): nothing to inspect
    ducha, admin = User.objects.get(username="ducha"), User.objects.get(username="admin")
    zhuren, dudao = User.objects.get(username="zhuren"), User.objects.get(username="dudao")
    maoshi, guangrong = Region.objects.get(code=DEMO_TOWNSHIP), Region.objects.get(code=DEMO_VILLAGE)
    other = Region.objects.filter(parent=maoshi, level=5).exclude(pk=guangrong.pk).order_by("code").first() or guangrong
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=10)

    # last month: routine, done
    past = V.inspection_create(actor=ducha, region=maoshi, kind="routine", planned_on=last, units=[guangrong, other],
                               team_note="县民政局、县教育局各1人")
    s = V.sample_draw(actor=ducha, inspection=past, village=guangrong, size=5, seed=rng.randrange(2**40))
    for n, item in enumerate(s.items.all()):
        V.sample_check(actor=ducha, item=item, answers={**YES, "agreement": "no"} if n == 0 else YES,
                       note="协议上没有监护人签字" if n == 0 else "")
    signed = _backdate(Finding.objects.get(inspection=past, source="field"), last)
    V.finding_act(actor=zhuren, finding=signed, action="answer", note="已找到孩子父亲补签协议，照片附后", files=[_photo("协议.png")])
    V.finding_act(actor=dudao, finding=signed, action="pass", note="已核对签字")
    late = _backdate(V.finding_create(actor=ducha, inspection=past, unit=other, problem="走访记录一支笔签到底",
                                      detail="近三个月的走访记录笔迹相同、内容雷同，疑似补写"), last)
    Inspection.objects.filter(pk=past.pk).update(state="done", done_on=last + timedelta(days=1))
    V.escalate_findings(today=today)
    V.accountability_decide(actor=admin, unit=other, measure="talk", person="该村儿童主任", findings=[late], decided_on=today,
                            reason="走访记录不实且逾期未整改，由县民政局约谈")

    # this month: unannounced, in progress
    now = V.inspection_create(actor=ducha, region=maoshi, kind="unannounced", planned_on=today, units=[guangrong])
    s = V.sample_draw(actor=ducha, inspection=now, village=guangrong, size=5, seed=rng.randrange(2**40))
    items = list(s.items.all())
    V.sample_check(actor=ducha, item=items[0], answers=YES, note="孩子在家，祖母照看")
    V.sample_check(actor=ducha, item=items[1], answers={**YES, "carer": "no"}, note="实际由姑妈照看，档案记为祖父")
    waiting = V.finding_create(actor=ducha, inspection=now, unit=guangrong, problem="儿童之家未按时开放", detail="周六下午未开门",
                               files=[_photo("现场.png")])
    V.finding_act(actor=zhuren, finding=waiting, action="answer", note="已安排志愿者周六值班", files=[_photo("值班表.png")])
    back = V.finding_create(actor=ducha, inspection=now, unit=guangrong, problem="台账未及时更新", detail="两名已返乡父母仍记为外出务工")
    V.finding_act(actor=zhuren, finding=back, action="answer", note="已更新", files=[_photo("台账.png")])
    V.finding_act(actor=dudao, finding=back, action="return", note="照片中台账仍是旧的，请更新后重新拍照")
    # last quarter's scoreboard, frozen by the county as it would be after the quarter ended
    year, quarter = E.quarter_of(E.period_bounds(*E.quarter_of(today))[0] - timedelta(days=1))
    SB.scoreboard_freeze(actor=admin, year=year, quarter=quarter, today=today)
    log(f"督查：{Inspection.objects.count()} 次，问题 {Finding.objects.count()} 项（{time.monotonic() - t0:.1f} 秒）")
