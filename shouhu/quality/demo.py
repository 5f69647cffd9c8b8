"""Data-quality part of the demo county: the inspectors' findings made real in 光荣村 (zhuren's
village) — a girl registered twice by the village and by the school under a homophone name and
without her ID number, a boy registered again under his mother's surname, a child whose day and
month were swapped — then the county-wide check, so the quality page, its counts and the
duplicates page have something to show."""
import uuid

from shouhu.accounts.models import User
from shouhu.registry.demo import DEMO_VILLAGE
from shouhu.registry.models import Child
from shouhu.registry.services import child_register

from .services import recheck_all

# A given-name character and a homophone (or fuzzy-pinyin homophone) parents also write.
HOMOPHONES = dict(zip("金兰明华宇婷欣怡涵轩浩俊子文佳思雨杰琳晨", "晶岚铭桦雨亭心宜晗萱皓骏梓雯嘉斯语洁林辰", strict=True))


def _homophone(name: str) -> str | None:
    for i in range(len(name) - 1, 0, -1):  # the given name, last character first
        if name[i] in HOMOPHONES:
            return name[:i] + HOMOPHONES[name[i]] + name[i + 1:]
    return None


def _again(child: Child, **changes) -> Child:
    """`child` registered a second time (a fresh record with these changes)."""
    twin = Child.objects.get(pk=child.pk)
    twin.pk = twin.id = None
    twin.uid = uuid.uuid4()
    twin.archive_no = None
    twin.merged_into = None
    twin.reporter = "重复登记（演示）"
    for k, v in changes.items():
        setattr(twin, k, v)
    if not twin.id_number:
        # Registered without the number, so marked as the form and the import demand of a record
        # without one (未登记户口): the demo holds only what its own rules accept, and its export
        # imports back as nothing to do.
        twin.hukou_registered = False
    return twin


def _register_again(admin: User, copy: Child, reason: str) -> None:
    """The copy registered, as entered in another sitting than the original (another day, the
    school's sheet): two names entered together would read as twins (docs/domain.md, 重复登记)."""
    child_register(actor=admin, child=copy, reason=reason)
    Child.objects.filter(pk=copy.pk).update(entered_in=f"demo-copy:{copy.pk}")


def build_quality_demo(*, log=print) -> None:
    admin = User.objects.get(username="admin")
    kids = list(Child.objects.filter(village_code=DEMO_VILLAGE, status=Child.Status.ACTIVE, id_number__isnull=False).order_by("id"))
    made = 0
    homophone = [c for c in kids if _homophone(c.name)][:2]
    for c in homophone:  # the school's registration: homophone, no ID number, a class filled in
        _register_again(admin, _again(c, name=_homophone(c.name), id_number=None, address_detail=""), "学校重复登记（演示）")
        made += 1
    boy = next((c for c in kids if c.sex == "男" and c.mother_name and c not in homophone), None)
    if boy is not None:  # registered again under his mother's surname after the parents split
        _register_again(admin, _again(boy, name=boy.mother_name[0] + boy.name[1:], id_number=None), "改姓后重复登记（演示）")
        made += 1
    swapped = next((c for c in kids if c.birth_date.day <= 12 and c.birth_date.day != c.birth_date.month
                    and c not in homophone and c != boy), None)
    if swapped is not None:
        bd = swapped.birth_date
        _register_again(admin, _again(swapped, birth_date=bd.replace(month=bd.day, day=bd.month), id_number=None), "日月颠倒重复登记（演示）")
        made += 1
    log(f"数据质量演示：{made} 份重复登记；正在全县检查……")
    n = recheck_all()
    log(f"  已检查 {n} 份档案")
