"""Field and logic checks of one child record (docs/domain.md, "The record" and "Data quality"; 未保法 Art. 22).

Pure: takes a plain dict keyed by the Child model's field names (dates as `date`, booleans,
lists) and returns {field: Chinese message}. The form, the import and the API all call it,
so a record is judged the same way wherever it comes from."""
from datetime import date

from .categories import age_on
from .idcard import IdNumberError, check_id_against, normalise_number, parse_id
from .phones import normalise_phone, phone_error

AWAY = {"外出务工"}
DEAD = {"死亡", "宣告死亡", "宣告失踪"}
NO_WORKPLACE = DEAD | {"服刑在押", "强制隔离戒毒", "其他限制人身自由"}
# A departure date means nothing for a dead parent. For 服刑在押, 失联 … the same column holds
# when the situation began, which the 6-month rule of 事实无人抚养 (民发〔2019〕62号) needs.
NO_DATE = {"死亡", "宣告死亡"}
PARENT_LABEL = {"father": "父亲", "mother": "母亲"}
PARENT_SEX = {"father": "男", "mother": "女"}
IN_SCHOOL = {"幼儿园", "小学", "初中", "高中", "中职"}


ID_FIELDS = ("id_number", "father_id_number", "mother_id_number", "carer_id_number")
PHONE_FIELDS = ("father_phone", "mother_phone", "carer_phone")


def normalise_numbers(r: dict) -> dict:
    """ID numbers and phones of a record as the import stores them (half-width, no spaces, 'X';
    phones without +86), in place: the form and the API call this before `check_record`, so a
    number typed with a Chinese input method's full-width digits is taken, not refused, and the
    stored value is the one an export writes and an import compares."""
    for f in ID_FIELDS:
        if isinstance(r.get(f), str) and r[f]:
            r[f] = normalise_number(r[f])
    for f in PHONE_FIELDS:
        if isinstance(r.get(f), str) and r[f]:
            r[f] = normalise_phone(r[f])
    for c in r.get("emergency_contacts") or []:
        if isinstance(c, dict) and isinstance(c.get("phone"), str) and c["phone"]:
            c["phone"] = normalise_phone(c["phone"])
    return r


def _future(d, today) -> bool:
    return d is not None and d > today


def check_record(r: dict, *, today: date | None = None) -> dict[str, str]:
    today = today or date.today()
    errors: dict[str, str] = {}

    def err(field: str, msg: str) -> None:
        errors.setdefault(field, msg)

    birth = r.get("birth_date")
    if birth is not None:
        if _future(birth, today):
            err("birth_date", "出生日期不能晚于今天")
        elif age_on(birth, today) >= 18:
            err("birth_date", "已年满18周岁，不属于登记范围")

    id_number = (r.get("id_number") or "").strip()
    if id_number:
        for field, msg in check_id_against(id_number, birth_date=birth, sex=r.get("sex"), today=today).items():
            err(field, msg)
    elif r.get("hukou_registered", True):
        err("id_number", "已登记户口的儿童须填写公民身份号码（未登记户口请在“是否登记户口”选“否”）")

    if r.get("health") == "残疾" and not r.get("disability"):
        err("disability", "身体状况为残疾时须填写残疾类别及等级")
    if r.get("health") == "患病" and not r.get("illness"):
        err("illness", "身体状况为患病时须填写患病类型")

    schooling = r.get("schooling")
    if r.get("school_class") and not r.get("school"):
        err("school", "填写班级时须选择学校")
    if schooling not in IN_SCHOOL and (r.get("school") or r.get("school_class")):
        err("schooling", f"就学情况为“{schooling}”时不应填写学校和班级")

    for p in ("father", "mother"):
        _check_parent(r, p, today, err)

    _check_carer(r, today, err)

    for field in ("father_phone", "mother_phone", "carer_phone"):
        if r.get(field):
            msg = phone_error(r[field])
            if msg:
                err(field, msg)
    for i, c in enumerate(r.get("emergency_contacts") or []):
        if c.get("phone") and phone_error(c["phone"]):
            err("emergency_contacts", f"第{i + 1}位紧急联系人的电话格式不正确")
        if c.get("name") and not c.get("phone"):
            err("emergency_contacts", f"第{i + 1}位紧急联系人须填写电话")
    if _future(r.get("reported_on"), today):
        err("reported_on", "填报日期不能晚于今天")
    return errors


def _check_parent(r: dict, p: str, today: date, err) -> None:
    label = PARENT_LABEL[p]
    situation = r.get(f"{p}_situation") or "在家"
    since = r.get(f"{p}_since")
    pid = (r.get(f"{p}_id_number") or "").strip()
    pbirth = r.get(f"{p}_birth_date")
    if pid:
        try:
            info = parse_id(pid, today=today)
        except IdNumberError as e:
            err(f"{p}_id_number", e.message)
        else:
            if info.sex != PARENT_SEX[p]:
                err(f"{p}_id_number", f"{label}的身份证号码显示性别为{info.sex}，请核对")
            elif pbirth and pbirth != info.birth_date:
                err(f"{p}_birth_date", f"{label}出生日期与身份证号码不符（身份证为 {info.birth_date.isoformat()}）")
            if r.get("id_number") and pid.upper() == r["id_number"].strip().upper():
                err(f"{p}_id_number", f"{label}的身份证号码与儿童本人相同")
    if _future(pbirth, today):
        err(f"{p}_birth_date", f"{label}出生日期不能晚于今天")
    if _future(since, today):
        err(f"{p}_since", "日期不能晚于今天")
    work = r.get(f"{p}_work_province") or r.get(f"{p}_work_city")
    if situation in AWAY:
        if not r.get(f"{p}_work_province"):
            err(f"{p}_work_province", f"{label}外出务工时须填写务工省份")
        if not since:
            err(f"{p}_since", f"{label}外出务工时须填写外出时间")
    elif situation in NO_WORKPLACE and work:
        err(f"{p}_work_province", f"{label}状况为“{situation}”，不应填写务工地点")
    elif situation == "在家" and since:
        err(f"{p}_since", f"{label}在家时不应填写外出时间")
    elif situation in NO_DATE and since:
        err(f"{p}_since", f"{label}状况为“{situation}”，不应填写外出时间")
    if situation in DEAD and r.get(f"{p}_phone"):
        err(f"{p}_phone", f"{label}状况为“{situation}”，不应填写联系电话")


def _check_carer(r: dict, today: date, err) -> None:
    name = (r.get("carer_name") or "").strip()
    if not name:
        if r.get("agreement_date"):
            err("carer_name", "填写了委托照护协议签订日期，但没有委托照护人")
        return
    relation = r.get("carer_relation")
    if not relation:
        err("carer_relation", "请选择委托照护人与儿童的关系")
    for p, rel in (("father", "父亲"), ("mother", "母亲")):
        away = (r.get(f"{p}_situation") or "在家") != "在家"
        same_person = name == (r.get(f"{p}_name") or "").strip() or (
            r.get("carer_id_number") and r.get("carer_id_number", "").upper() == (r.get(f"{p}_id_number") or "").upper()
        )
        if away and (relation == rel or same_person):
            err("carer_name", f"委托照护人不能是不在家的{rel}")
    cid = (r.get("carer_id_number") or "").strip()
    if cid:
        try:
            info = parse_id(cid, today=today)
        except IdNumberError as e:
            err("carer_id_number", e.message)
        else:
            if age_on(info.birth_date, today) < 18:
                err("carer_id_number", "委托照护人须为成年人（身份证显示未满18周岁）")
    if r.get("carer_barred"):
        err("carer_barred", "依据未成年人保护法第22条，不得委托有上述情形的人员照护，请更换委托照护人")
    if _future(r.get("agreement_date"), today):
        err("agreement_date", "协议签订日期不能晚于今天")
