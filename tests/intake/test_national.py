"""The national 花名册 (民发〔2016〕42号) and provincial layouts: other header names, one column per
choice ticked "√" under a two-row header, grandparents; every reading shown in the preview."""
import csv
from datetime import date, timedelta

import pytest
import xlsxwriter
from django.urls import reverse

from shouhu.core.cells import CellError
from shouhu.intake.models import ImportBatch
from shouhu.intake.services import CHILD_FIELDS, Directory, import_check, import_confirm, import_create, import_write, row_of_child
from shouhu.intake.sheet import BY_HEADER, COLUMNS, LAYOUT, STANDARD, Places, parse_cell, parse_row
from shouhu.registry.models import Child
from shouhu.rules import choices as C
from shouhu.rules import national_forms as NF
from shouhu.rules.idcard import make_id
from tests.factories import months_ago
from tests.intake_util import sheet_row

# -- the sheet: our own row (header -> text) and the same child written the national way ------------
TICK_GROUPS = {  # group header of the national 花名册 -> (our column, its choices as the form words them -> our value)
    "身体情况": ("身体状况", {c: c for c in C.HEALTH}),
    "就学情况": ("就学情况", {c: c for c in ("幼儿园", "未入园", "小学", "初中", "高中", "中职", "辍学", "不在学")}),
    "监护类型": ("监护情况", {"无人监护": "无人监护", "父或母无监护能力": "父或母无监护能力", "受委托监护人监护能力不足": "受委托监护人监护能力不足",
                          "监护情况一般": "监护情况一般", "监情况较好": "监护情况较好"}),
    "家庭经济来源": ("家庭经济来源", {"打工收入": "打工", "种养殖业": "种养殖", "政府救助": "政府救助", "亲朋接济": "亲朋接济", "其他": "其他"}),
    "救助帮扶情况": ("已享受救助", {"享受低保": "低保", "临时救助": "临时救助", "医疗救助": "医疗救助", "住房救助": "住房救助", "其他救助": "其他"}),
}
PLAIN = [  # national header -> our header
    ("姓名", "姓名"), ("性别", "性别"), ("民族", "民族"), ("出生日期", "出生日期"), ("公民身份证号码", "公民身份号码"),
    ("是否登记户口", "是否登记户口"), ("户籍所在地", "户籍所在地"), ("乡镇", "乡镇（街道）"), ("村（居）", "村（社区）"),
    ("现居住地", "详细地址"), ("残疾类别及等级", "残疾类别及等级"), ("患病类型", "患病类型"), ("是否学校寄宿", "是否寄宿"),
    ("就读学校", "学校"), ("年级", "年级"), ("班级", "班级"),
    *((f"{r}{p}", f"{r}{p}") for r in ("祖父", "祖母", "外祖父", "外祖母") for p in ("姓名", "出生日期")),
    ("父亲姓名", "父亲姓名"), ("父亲当前务工地点", "父亲务工地点"), ("父亲外出务工时间", "父亲外出时间"), ("父亲电话", "父亲联系电话"),
    ("母亲姓名", "母亲姓名"), ("母亲当前务工地点", "母亲务工地点"), ("母亲外出务工时间", "母亲外出时间"), ("母亲电话", "母亲联系电话"),
    ("受委托监护人姓名", "委托照护人姓名"), ("与被监护人关系", "与儿童关系"), ("受委托监护人电话", "委托照护人电话"),
    ("受委托监护人居住地地址", "委托照护人住址"), ("填表人", "填报人"),
]
RELATION_WORDS = {"祖父": "爷爷", "祖母": "奶奶", "外祖父": "外公", "外祖母": "外婆"}  # as villages write them
SCHOOLING_BY_AGE = [(4, "幼儿园"), (5, "未入园"), (8, "小学"), (12, "小学"), (13, "初中"), (15, "高中"), (15, "中职"), (14, "不在学")]


def our_row(i: int, today: date) -> dict:
    """Child i as our own sheet would hold it (header -> text): varied over every choice."""
    age, schooling = SCHOOLING_BY_AGE[i % len(SCHOOLING_BY_AGE)]
    birth = today.replace(year=today.year - age) - timedelta(days=30 + i % 300)
    sex = "男" if i % 2 else "女"
    number = make_id("421088", birth, (i // 300) * 2 + (1 if sex == "男" else 0) + 100 * (i % 3))
    health = C.HEALTH[i % 3] if i % 5 == 0 else "健康"
    row = sheet_row(**{
        "姓名": f"陆{'金晓秀明'[i % 4]}{'兰虎云山'[i // 4 % 4]}", "性别": sex, "出生日期": birth.isoformat(), "公民身份号码": number,
        "户籍所在地": "湖北省监利市毛市镇", "详细地址": f"光荣村{i % 9 + 1}组", "身体状况": health,
        "残疾类别及等级": "肢体二级" if health == "残疾" else "", "患病类型": "先天性心脏病" if health == "患病" else "",
        "就学情况": schooling, "是否寄宿": "是" if i % 4 == 0 and schooling in ("小学", "初中") else "否",
        "学校": "金星小学" if schooling == "小学" else "", "年级": "三年级" if schooling == "小学" else "",
        "班级": "1班" if schooling == "小学" else "",
        "监护情况": C.GUARDIANSHIP[i % 5], "家庭经济来源": "、".join(C.INCOME_SOURCES[j] for j in range(5) if (i >> j) % 2 or j == i % 5),
        "已享受救助": "、".join(b for j, b in enumerate(("低保", "临时救助", "医疗救助", "住房救助", "其他")) if (i >> j) % 3 == 0),
        "委托照护人姓名": "陆国华", "与儿童关系": ("祖父", "祖母", "外祖父", "外祖母")[i % 4], "委托照护人住址": "光荣村3组",
        "父亲外出时间": months_ago(12 + i % 24).isoformat(), "母亲外出时间": months_ago(7 + i % 30).isoformat(),
        "祖父姓名": "陆国华", "祖父出生日期": "1958-03-01", "祖母姓名": "—" if i % 7 == 0 else "刘桂英",
        "祖母出生日期": "" if i % 7 == 0 else "1960-11-12", "外祖父姓名": "王德明", "外祖父出生日期": "",
        "外祖母姓名": "" if i % 3 == 0 else "张秀珍", "外祖母出生日期": "" if i % 3 == 0 else "1962-05-20",
    })
    row.pop("父亲状况")
    row.pop("母亲状况")
    return row


def national_headers() -> tuple[list[str], list[str]]:
    """The two header rows: a group over its choices, plain columns merged down (written in the upper row)."""
    upper, lower = ["序号", *(n for n, _ in PLAIN)], [""] * (len(PLAIN) + 1)
    for group, (_, choices) in TICK_GROUPS.items():
        for k, label in enumerate(choices):
            upper.append(group if k == 0 else "")
            lower.append(label)
    return upper + ["备注"], lower + [""]


def national_row(i: int, ours: dict, upper: list[str], lower: list[str]) -> list[str]:
    out, group = [], ""
    by_national = dict(PLAIN)
    for up, low in zip(upper, lower, strict=True):
        group = up or group
        if up == "序号":
            out.append(str(i + 1))
        elif low:
            col, choices = TICK_GROUPS[group]
            chosen = ours.get(col, "").split("、")
            out.append(("√", "✓", "是")[i % 3] if choices[low] in chosen else "")
        elif up == "与被监护人关系":
            out.append(RELATION_WORDS[ours["与儿童关系"]])
        elif up == "备注":
            out.append("")
        else:
            out.append(ours.get(by_national[up], ""))
    return out


def write_national_xlsx(path, rows: list[list[str]], upper, lower):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("花名册")
    text = wb.add_format({"num_format": "@"})
    ws.merge_range(0, 0, 0, len(upper) - 1, "农村留守儿童花名册", wb.add_format({"bold": True}))
    ws.write_row(1, 0, ["填报单位：毛市镇光荣村（盖章）"])
    c = 0
    while c < len(upper):  # a group title merged over its choices; a plain column merged down two rows
        if lower[c]:
            end = c
            while end + 1 < len(upper) and not upper[end + 1] and lower[end + 1]:
                end += 1
            ws.merge_range(2, c, 2, end, upper[c]) if end > c else ws.write_string(2, c, upper[c])
            for k in range(c, end + 1):
                ws.write_string(3, k, lower[k])
            c = end + 1
        else:
            ws.merge_range(2, c, 3, c, upper[c])
            c += 1
    for n, row in enumerate(rows, 4):
        for k, v in enumerate(row):
            if v:
                ws.write_string(n, k, v, text)
    wb.close()
    return path


def _preview(actor, path) -> ImportBatch:
    batch = import_check(import_create(actor=actor, path=path, filename=path.name, run=False))
    assert batch.status == ImportBatch.Status.PREVIEW, batch.message
    return batch


# -- the done-when: 1,000 children, every row accepted, every value where our sheet puts it ---------
def test_a_national_roster_of_1000_children_imports_whole(world, tmp_path):
    today = world.today
    ours = [our_row(i, today) for i in range(1000)]
    upper, lower = national_headers()
    path = write_national_xlsx(tmp_path / "花名册.xlsx", [national_row(i, r, upper, lower) for i, r in enumerate(ours)], upper, lower)
    batch = _preview(world.zhuren, path)
    rejected = list(batch.rows.filter(kind="rejected").values_list("row_no", "problems")[:5])
    assert (batch.new_count, batch.rejected_count) == (1000, 0), rejected
    read_as = dict(map(tuple, batch.mapped_columns))
    assert read_as["受委托监护人电话"] == "委托照护人电话" and read_as["公民身份证号码"] == "公民身份号码"
    assert read_as["监护类型（监情况较好）"] == "监护情况：勾选即“监护情况较好”"
    assert "父亲状况" in read_as["父亲务工地点"]  # the workplace read as 外出务工: said, not guessed silently
    assert batch.unknown_columns == ["备注"]
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    assert import_write(batch).status == ImportBatch.Status.DONE, batch.message

    directory = Directory()
    columns = [c for c in COLUMNS if c.header in ours[0] or c.kind == "gp"]
    by_number = {c["id_number"]: c for c in Child.objects.values(*CHILD_FIELDS)}
    assert len(by_number) == 1000
    for row in ours:
        values = by_number[row["公民身份号码"]]
        got = dict(zip((c.header for c in columns), row_of_child(values, directory.names(values), columns), strict=True))
        want = {c.header: parse_and_format(c, row.get(c.header, "")) for c in columns}
        assert got == want, row["姓名"]
        assert values["father_situation"] == values["mother_situation"] == "外出务工"
    assert Child.objects.filter(is_left_behind=True).count() == 1000


def parse_and_format(col, text: str) -> str:
    """The cell as our export writes a value typed as `text` (dates stay ISO, choices in their order)."""
    if col.kind == "multi":
        return "、".join(sorted(text.split("、"), key=col.choices.index)) if text else ""
    return text


def test_the_same_roster_as_gbk_and_utf8_csv(world, tmp_path):
    """A one-row header CSV with the choices written as "group（choice）"; both encodings."""
    today = world.today
    ours = [our_row(i, today) for i in range(40)]
    headers = ["序号", *(n for n, _ in PLAIN), *(f"{g}（{label}）" for g, (_, ch) in TICK_GROUPS.items() for label in ch)]
    upper = [h.split("（")[0] if "（" in h and h.split("（")[0] in TICK_GROUPS else h for h in headers]
    lower = [h.split("（")[1].rstrip("）") if u != h else "" for h, u in zip(headers, upper, strict=True)]
    rows = []
    for i, r in enumerate(ours):
        cells = national_row(i, r, [u if not lo else u for u, lo in zip(upper, lower, strict=True)], lower)
        rows.append(cells)
    for encoding in ("gbk", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        with open(path, "w", encoding=encoding, newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows([[c.replace("✓", "√") for c in r] for r in rows] if encoding == "gbk" else rows)  # ✓ is not in GBK
        batch = _preview(world.zhuren, path)
        assert (batch.new_count, batch.rejected_count) == (40, 0), list(batch.rows.filter(kind="rejected").values_list("problems")[:3])
        assert ["家庭经济来源（打工收入）", "家庭经济来源：勾选即“打工”"] in batch.mapped_columns


# -- the rules, one by one ----------------------------------------------------------------------------
@pytest.mark.parametrize("written, ours", [
    ("公民身份证号码", "公民身份号码"), ("受委托监护人姓名", "委托照护人姓名"), ("与被监护人关系", "与儿童关系"),
    ("现居住地", "详细地址"), ("是否学校寄宿", "是否寄宿"), ("监护类型", "监护情况"), ("身体情况", "身体状况"),
    ("父亲公民身份证号码", "父亲身份号码"), ("救助帮扶情况", "已享受救助"), ("村（居）", "村（社区）"), ("填表人", "填报人"),
    ("打工收入", "家庭经济来源（打工）"), ("享受低保", "已享受救助（低保）"), ("家庭经济来源（其他）", "家庭经济来源（其他）"),
    ("救助帮扶情况（其他救助）", "已享受救助（其他）"), ("幼儿园", "就学情况（幼儿园）"),
])
def test_header_synonyms(written, ours):
    assert LAYOUT.aliases.get(written, written) == ours and ours in LAYOUT.known


def test_every_synonym_names_a_known_header():
    assert set(LAYOUT.aliases.values()) <= LAYOUT.known
    assert "其他" not in LAYOUT.aliases  # 其他 is a choice of two groups: never read alone


@pytest.mark.parametrize("field, written, stored", [
    ("guardianship", "监情况较好", "监护情况较好"), ("guardianship", "一般", "监护情况一般"), ("carer_relation", "奶奶", "祖母"),
    ("carer_relation", "外公", "外祖父"), ("schooling", "中专", "中职"),
])
def test_value_synonyms(field, written, stored):
    col = next(c for c in STANDARD if c.field == field)
    assert parse_cell(col, written) == stored


def test_multi_choice_in_the_national_wording():
    assert parse_cell(BY_HEADER["家庭经济来源"], "打工收入、种养殖业") == ["打工", "种养殖"]
    assert parse_cell(BY_HEADER["已享受救助"], "享受低保，其他救助") == ["低保", "其他"]


def test_a_poor_assessment_must_say_which():
    with pytest.raises(CellError, match="无人监护"):
        parse_cell(BY_HEADER["监护情况"], "差")


def _row(cells: dict):
    return parse_row(5, cells, Places())


def test_ticks_make_one_choice_or_a_list():
    row = _row({"就学情况（小学）": "√", "就学情况（初中）": "", "家庭经济来源（打工）": "✓", "家庭经济来源（种养殖）": "是",
                "家庭经济来源（其他）": ""})
    assert row.values["schooling"] == "小学" and row.values["income_sources"] == ["打工", "种养殖"]


def test_two_ticks_for_one_choice_is_a_problem():
    row = _row({"就学情况（小学）": "√", "就学情况（初中）": "√"})
    assert ("就学情况", "只能勾选一项，勾选了小学、初中") in row.problems


def test_no_tick_where_one_is_required_is_a_problem():
    assert ("就学情况", "未勾选任何一项") in _row({"就学情况（小学）": "", "就学情况（初中）": ""}).problems
    assert _row({"身体状况（残疾）": ""}).values["health"] == "健康"  # a blank 身体情况 is the form's default


def test_an_unreadable_tick_is_reported_on_its_column():
    row = _row({"就学情况（小学）": "?", "就学情况（初中）": ""})
    assert row.problems[0][0] == "就学情况（小学）" and "勾选" in row.problems[0][1]


def test_grandparents_and_the_dash_for_one_who_died():
    row = _row({"祖父姓名": "陆国华", "祖父出生日期": "1958-03-01", "祖母姓名": "—", "祖母出生日期": "", "外祖父姓名": "", "外祖父出生日期": ""})
    assert row.values["grandparents"] == [
        {"relation": "祖父", "name": "陆国华", "birth_date": "1958-03-01", "deceased": False},
        {"relation": "祖母", "name": "", "birth_date": None, "deceased": True},
    ]


def test_a_workplace_without_a_situation_column_means_away():
    row = _row({"父亲务工地点": "广东 东莞市", "母亲务工地点": ""})
    assert row.values["father_situation"] == "外出务工" and "mother_situation" not in row.values
    assert "father_situation" not in _row({"父亲状况": "在家", "父亲务工地点": "广东 东莞市"}).values or \
        _row({"父亲状况": "在家", "父亲务工地点": "广东 东莞市"}).values["father_situation"] == "在家"


def test_a_parent_ticked_unable_must_be_ill_or_disabled_in_his_situation():
    ask = [m for h, m in _row({"无监护能力": "父亲"}).problems if h == "无监护能力"]
    assert ask == ["勾选了父亲无监护能力，请在“父亲状况”中注明重病或重残"]
    row = _row({"无监护能力": "母亲", "母亲状况": "外出务工"})
    assert ("无监护能力", "勾选了母亲无监护能力，与母亲状况“外出务工”不一致；请在“母亲状况”中注明重病或重残") in row.problems
    row = _row({"无监护能力": "父亲", "父亲状况": "重残", "父母双方同时外出": "否", "父母一方外出、另一方无监护能力": "是"})
    assert not [p for p in row.problems if p[0] in NF.ACTUAL_CARE] and "_unable_parents" not in row.values
    assert row.values["father_situation"] == "重残"


def test_a_synonym_and_our_name_in_one_sheet_is_refused(world, tmp_path):
    path = tmp_path / "twice.csv"
    row = sheet_row()
    headers = list(row) + ["公民身份证号码"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerow([*row.values(), row["公民身份号码"]])
    batch = import_check(import_create(actor=world.zhuren, path=path, filename=path.name, run=False))
    assert batch.status == ImportBatch.Status.FAILED
    assert "“公民身份号码”和“公民身份证号码”（都对应“公民身份号码”）出现了两次" in batch.message


def test_the_preview_page_lists_every_reading_and_the_unknown_columns(world, tmp_path, client):
    today = world.today
    upper, lower = national_headers()
    path = write_national_xlsx(tmp_path / "花名册.xlsx", [national_row(0, our_row(0, today), upper, lower)], upper, lower)
    batch = _preview(world.zhuren, path)
    client.force_login(world.zhuren)
    page = client.get(reverse("intake:batch", args=[batch.uid])).content.decode()
    assert "「受委托监护人电话」→ 委托照护人电话" in page
    assert "「家庭经济来源（打工收入）」→ 家庭经济来源：勾选即“打工”" in page
    assert "未识别的列，未导入：备注" in page


# -- the one-child form (附件1): a workbook of forms, one per worksheet --------------------------------
def form_workbook(path, children: list[dict]):
    """Each child on its own worksheet, laid out as the national form: the title, then each row's
    labels each followed by its value; choices written "健康（√） 残疾（ ） 患病（ ）"."""

    words = {"家庭经济来源": {"打工": "打工收入", "种养殖": "种养殖业"}, "救助帮扶情况": {"低保": "享受低保", "其他": "其他救助"}}
    ours_of = {"公民身份证号码": "公民身份号码", "现居住地": "详细地址", "身体情况": "身体状况", "是否学校寄宿": "是否寄宿",
               "父亲公民身份证号码": "父亲身份号码", "母亲公民身份证号码": "母亲身份号码", "委托监护人姓名": "委托照护人姓名",
               "受委托监护人电话": "委托照护人电话", "与被监护人关系": "与儿童关系", "居住地地址": "委托照护人住址", "监护类型": "监护情况",
               "救助帮扶情况": "已享受救助", "填表人": "填报人", "受委托监护人公民身份证号码": "委托照护人身份号码",
               "父亲当前务工地点": "父亲务工地点", "母亲当前务工地点": "母亲务工地点"}
    wb = xlsxwriter.Workbook(str(path))
    for n, child in enumerate(children, 1):
        ws = wb.add_worksheet(f"{n}-{child['姓名']}")
        ws.merge_range(0, 0, 0, 11, NF.FORM_TITLE)
        ws.write_string(1, 0, "填报单位：毛市镇光荣村民委员会（盖章）")
        for r, row in enumerate(NF.FORM_ROWS, 2):
            for i, label in enumerate(row):
                name = NF.form_label_name(row, i)
                text = child.get(ours_of.get(name, name), "")
                if f"@{label}" in child:  # the cell as someone filled it in by hand
                    text = child[f"@{label}"]
                elif label in NF.FORM_TICKS:
                    chosen = [words.get(label, {}).get(v, v) for v in text.split("、") if v]
                    text = NF.tick_text(label, chosen)
                ws.write_string(r, 2 * i, label)
                if text:
                    ws.write_string(r, 2 * i + 1, text)
        ws.write_string(len(NF.FORM_ROWS) + 3, 0, "单位负责人（签名）：")
    wb.close()
    return path


def test_a_workbook_of_50_forms_imports_whole(world, tmp_path):
    today = world.today
    ours = [{**our_row(i, today), "父亲状况": "外出务工", "母亲状况": "外出务工"} for i in range(50)]
    batch = _preview(world.zhuren, form_workbook(tmp_path / "登记表.xlsx", ours))
    rejected = list(batch.rows.filter(kind="rejected").values_list("row_no", "problems")[:3])
    assert (batch.new_count, batch.rejected_count) == (50, 0), rejected
    assert ["受委托监护人电话", "委托照护人电话"] in batch.mapped_columns and batch.unknown_columns == []
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    assert import_write(batch).status == ImportBatch.Status.DONE, batch.message
    directory = Directory()
    columns = [c for c in COLUMNS if c.header in ours[0] or c.kind == "gp"]
    by_number = {c["id_number"]: c for c in Child.objects.values(*CHILD_FIELDS)}
    for row in ours:
        values = by_number[row["公民身份号码"]]
        got = dict(zip((c.header for c in columns), row_of_child(values, directory.names(values), columns), strict=True))
        assert got == {c.header: parse_and_format(c, row.get(c.header, "")) for c in columns}, row["姓名"]


@pytest.mark.parametrize("i", [2, 0, 1, 3, 4])  # our_row(i) has 监护情况 C.GUARDIANSHIP[i % 5]: each value once
def test_any_record_prints_as_the_form_and_the_print_imports_back(world, tmp_path, client, i):
    today = world.today
    batch = _preview(world.zhuren, form_workbook(tmp_path / "a.xlsx", [{**our_row(i, today), "父亲状况": "外出务工", "母亲状况": "外出务工"}]))
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    import_write(batch)
    child = Child.objects.get()
    assert child.guardianship == C.GUARDIANSHIP[i % 5]
    client.force_login(world.zhuren)
    page = client.get(reverse("intake:form_print", args=[child.uid]))
    html = page.content.decode()
    assert page.status_code == 200 and "农村留守儿童基本情况登记表" in html
    if i == 2:
        assert "小学（√）" in html and "种养殖业（√）" in html
    # 实际监护情况 restated from the parents (both away) and the carer
    assert "父母双方同时外出" in html and "是（√） 否（ ）" in html and "父亲（ ） 母亲（ ）" in html
    # every 监护类型 of 附件1 as a box, the child's ticked
    assert " ".join(f"{'☑' if g == child.guardianship else '□'}{g}" for g in C.GUARDIANSHIP) in html
    client.force_login(world.zhuren_lianfu)
    assert client.get(reverse("intake:form_print", args=[child.uid])).status_code == 404
    assert client.get(reverse("intake:form_workbook", args=[child.uid])).status_code == 404
    client.force_login(world.zhuren)
    x = client.get(reverse("intake:form_workbook", args=[child.uid]))
    assert x.status_code == 200
    path = tmp_path / "back.xlsx"
    path.write_bytes(x.content)
    again = _preview(world.zhuren, path)
    assert (again.new_count, again.changed_count, again.unchanged_count, again.rejected_count) == (0, 0, 1, 0), \
        list(again.rows.values_list("diff", "problems"))


def test_a_2016_form_with_a_parent_unable_asks_which(world, tmp_path):
    """A father away and a mother ticked 无监护能力 without saying why (the 2016 form has no 状况
    line) is refused with the question, not imported with the mother's situation unknown."""
    today = world.today
    care = {"父亲状况": "外出务工", "@父母一方外出、另一方无监护能力": "是（√） 否（ ）", "@无监护能力": "父亲（ ） 母亲（√）"}
    forms = [{**our_row(0, today), **care, "母亲状况": ""}, {**our_row(1, today), **care, "母亲状况": "重病"}]
    batch = _preview(world.zhuren, form_workbook(tmp_path / "unable.xlsx", forms))
    assert (batch.new_count, batch.rejected_count) == (1, 1)
    rejected = batch.rows.get(kind="rejected")
    assert rejected.row_no == 1 and any("勾选了母亲无监护能力" in str(p) for p in rejected.problems), rejected.problems
    assert ["无监护能力", "实际监护情况：勾选的父亲或母亲，状况须为重病或重残"] in batch.mapped_columns


@pytest.mark.parametrize("mark", ["☑", "√", "✓", "是", "■"])
def test_a_form_with_its_guardianship_box_ticked_by_hand_reads_that_value(world, tmp_path, mark):
    today = world.today
    forms = []
    for i, value in enumerate(C.GUARDIANSHIP):
        boxes = " ".join(f"{mark if g == value else '□'}{g}" for g in ("无人监护", "父或母无监护能力", "受委托监护人监护能力不足",
                                                                      "监护情况一般", "监情况较好" if value != "监护情况较好" else "监护情况较好"))
        forms.append({**our_row(i, today), "父亲状况": "外出务工", "母亲状况": "外出务工", "@监护类型": boxes})
    batch = _preview(world.zhuren, form_workbook(tmp_path / "hand.xlsx", forms))
    assert (batch.new_count, batch.rejected_count) == (5, 0), list(batch.rows.values_list("problems", flat=True))
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    import_write(batch)
    by_name = dict(Child.objects.values_list("name", "guardianship"))
    assert [by_name[f["姓名"]] for f in forms] == list(C.GUARDIANSHIP)
