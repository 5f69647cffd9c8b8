"""How the quality app joins the layers below it: it runs the registry's duplicate check at
registration, and after a registry write, or a roster upload that
changed what the school says about some children, their records are checked again — a few
children at once, more in the background by village."""
from shouhu.core.rekey import register_rewriter
from shouhu.registry.hooks import DuplicateCheck, Indicator, register_duplicate_check, register_indicator
from shouhu.registry.models import Child
from shouhu.registry.signals import children_changed, cross_line_changed, facts_changed

from .hukou import rekey_extracts
from .indicators import quality_counts
from .services import note_registered_anyway, plain_reasons, recheck_children, registration_candidates
from .tasks import recheck

INLINE_LIMIT = 200
# A roster upload comes from a page the school waits on, with the children of one school: up to
# this many are checked at once, so the 人籍一致 issues are current when the page returns.
ROSTER_INLINE = 2000


def registry_changed(sender, child_ids=None, village_codes=None, **kwargs):
    if child_ids is not None and len(child_ids) <= INLINE_LIMIT:
        recheck_children(child_ids)
    else:
        recheck.enqueue(sorted(village_codes) if village_codes is not None else None)


def roster_changed(sender, child_ids, **kwargs):
    if len(child_ids) <= ROSTER_INLINE:
        recheck_children(child_ids)
        return
    ids = list(child_ids)
    villages = set()
    for i in range(0, len(ids), 2000):  # id lists small enough for one IN clause
        villages |= set(Child.objects.filter(id__in=ids[i:i + 2000]).values_list("village_code", flat=True))
    recheck.enqueue(sorted(villages))


def facts_changed_(sender, child_ids=None, fact=None, **kwargs):
    """A field check found a record wrong, or its finding passed, or a benefit was granted or stopped:
    the record's issues follow (other facts, a visit's concerns, change no record check)."""
    if fact in ("field_mismatch", "benefits") and child_ids and len(child_ids) <= INLINE_LIMIT:
        recheck_children(child_ids)


def connect() -> None:
    facts_changed.connect(facts_changed_, dispatch_uid="quality.facts_changed")
    children_changed.connect(registry_changed, dispatch_uid="quality.registry_changed")
    cross_line_changed.connect(roster_changed, dispatch_uid="quality.roster_changed")
    register_duplicate_check(DuplicateCheck(registration_candidates, plain_reasons, note_registered_anyway))
    register_indicator(Indicator("quality", quality_counts, "/quality/?{unit}"))
    register_rewriter("quality 户籍数据文件", rekey_extracts)
