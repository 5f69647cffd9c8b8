"""户籍比对 (docs/domain.md, "The 户籍 cross-check"; 民发〔2016〕42号 asks counties to check their
lists against the police's 户籍 data): the registry compared with an extract of the county's
户籍 — registered children the extract lacks, children under 16 of the county's villages the
registry lacks (candidates for 摸底排查), and the disagreements on the children both hold.

Pure: children and extract rows come in as plain dicts / `Person`s, places as name lookups; the
result lists ids, people and `quality.Finding`s of the `hukou_mismatch` check. Matching is by ID
number only: a name and birth date could pair two different children, and a wrong pair would
write a wrong disagreement on a child's record.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .categories import LEFT_BEHIND_MAX_AGE, age_on
from .quality import Finding

# Header wording of police extracts -> our field.
HEADERS: Mapping[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "公民身份证号码", "身份证号码", "身份证号", "证件号码"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月日"),
    "address": ("户籍地址", "户籍地", "户籍所在地", "住址", "户籍详址", "地址"),
}
BY_HEADER: Mapping[str, str] = {h: f for f, names in HEADERS.items() for h in names}
CODE = "hukou_mismatch"


@dataclass(frozen=True)
class Person:
    row_no: int
    name: str
    id_number: str
    sex: str
    birth_date: date | None
    address: str


@dataclass
class Comparison:
    matched: list[int] = field(default_factory=list)  # ids of registered children found in the extract
    missing: list[int] = field(default_factory=list)  # registered (在册, 户口已登记) but not in the extract
    unregistered: list[tuple[Person, str]] = field(default_factory=list)  # (person, village code): under 16, no record
    findings: list[Finding] = field(default_factory=list)  # disagreements on matched children
    outside: int = 0  # extract rows of no village of the county
    older: int = 0  # extract rows aged 16 or more on the day (not 摸底 candidates)


def _plain(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


class Villages:
    """A 户籍地址 → the county village it names: the township's name, then one of its villages'
    names after it ("湖北省监利市毛市镇光荣村3组" → 光荣村). Full and short names both count; the
    longest match wins."""

    def __init__(self, townships: Mapping[str, str], villages: Mapping[tuple[str, str], str]) -> None:
        self.townships = sorted(((n, c) for n, c in townships.items() if n), key=lambda x: -len(x[0]))
        self.by_township: dict[str, list[tuple[str, str]]] = {}
        for (tcode, name), vcode in villages.items():
            if name:
                self.by_township.setdefault(tcode, []).append((name, vcode))
        for v in self.by_township.values():
            v.sort(key=lambda x: -len(x[0]))

    def of(self, address: str) -> str | None:
        text = _plain(address)
        for tname, tcode in self.townships:
            at = text.find(tname)
            if at < 0:
                continue
            rest = text[at + len(tname):]
            for vname, vcode in self.by_township.get(tcode, []):
                if vname in rest:
                    return vcode
        return None


def compare(children: Iterable[Mapping], people: Iterable[Person], villages: Villages, *, today: date,
            village_names: Mapping[str, str] | None = None) -> Comparison:
    """`children`: every record of the registry (id, name, sex, birth_date, id_number, village_code,
    status, hukou_registered). A record of any status counts as registered; only 在册 records with
    a 户口 are expected in the extract."""
    out = Comparison()
    names = village_names or {}
    by_number: dict[str, Mapping] = {}
    for c in children:
        if c.get("id_number"):
            by_number[c["id_number"].upper()] = c
    seen: set[int] = set()
    for p in people:
        number = p.id_number.upper()
        child = by_number.get(number) if number else None
        vcode = villages.of(p.address)
        if child is not None:
            seen.add(child["id"])
            out.findings += _disagreements(child, p, vcode, names)
            continue
        if vcode is None:
            out.outside += 1
            continue
        if p.birth_date is None or p.birth_date > today or age_on(p.birth_date, today) >= LEFT_BEHIND_MAX_AGE:
            out.older += 1
            continue
        out.unregistered.append((p, vcode))
    out.matched = sorted(seen)
    out.missing = sorted(c["id"] for c in by_number.values()
                         if c["id"] not in seen and c.get("status") == "active" and c.get("hukou_registered", True))
    return out


def _disagreements(child: Mapping, p: Person, vcode: str | None, names: Mapping[str, str]) -> list[Finding]:
    out = []

    def add(field_: str, message: str) -> None:
        out.append(Finding(CODE, child["id"], field_, message))

    if p.name and _plain(p.name) != _plain(child.get("name") or ""):
        add("name", f"户籍姓名为“{p.name}”，档案为“{child.get('name')}”")
    if p.birth_date and child.get("birth_date") and p.birth_date != child["birth_date"]:
        add("birth_date", f"户籍出生日期为 {p.birth_date.isoformat()}，档案为 {child['birth_date'].isoformat()}")
    if p.sex and child.get("sex") and p.sex != child["sex"]:
        add("sex", f"户籍性别为{p.sex}，档案为{child['sex']}")
    if vcode is not None and child.get("village_code") and vcode != child["village_code"]:
        add("hukou_place", f"户籍地址在{names.get(vcode, vcode)}，档案登记在{names.get(child['village_code'], child['village_code'])}")
    return out
