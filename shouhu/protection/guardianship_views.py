"""The guardianship page of a protection case (监护干预 and 劝返; docs/domain.md, "Guardianship
intervention"): each guardian's ladder — the rungs done, the next ones highlighted, a form for the
next — and the parents persuaded to come home. Only those who handle the child's case (`case_for`:
404 for anyone else); every read is in the access log, it names a child."""
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import requires
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.errors import NotFound
from shouhu.core.forms import run_into_form
from shouhu.rules import guardianship as G
from shouhu.rules.cases import STATES

from . import guardianship
from .cases import case_for
from .forms import InterventionForm, ReturnForm
from .models import Intervention


def _ladder_view(ladder: guardianship.Ladder) -> list[dict]:
    """The five rungs for the page: done (with its records), next (may be recorded now) or later."""
    done = {}
    for i in ladder.records:
        done.setdefault(i.rung, []).append(i)
    return [{"rung": r, "records": done.get(r.code, []), "next": r.code in ladder.allowed} for r in G.RUNGS]


def _page(request, case, *, bound: InterventionForm | None = None, bound_for: str = "", return_form: ReturnForm | None = None,
          status: int = 200):
    log_access(actor=request.user, action="view", child=case.child, scope="保护个案", detail=f"个案 #{case.pk} 监护干预",
               confidential=True, request=request)
    guardians = []
    for ladder in guardianship.ladders(case):
        form = bound if bound is not None and bound_for == ladder.guardian else (
            InterventionForm(allowed=ladder.allowed, prefix=ladder.guardian) if ladder.allowed else None)
        guardians.append({"ladder": ladder, "rungs": _ladder_view(ladder), "form": form})
    return render(request, "protection/guardianship.html", {
        "case": case, "state": STATES[case.state], "guardians": guardians, "returns": case.returns.select_related("by"),
        "return_form": return_form or ReturnForm(prefix="return"), "outcomes": G.RETURN_OUTCOMES}, status=status)


@requires("handles_cases")
def guardianship_page(request, pk):
    return _page(request, case_for(request.user, pk))


@requires("handles_cases")
@require_POST
def intervention_new(request, pk):
    case = case_for(request.user, pk)
    guardian = request.POST.get("guardian", "")
    if guardian not in G.GUARDIANS:
        raise NotFound("监护人不存在")
    ladder = next(x for x in guardianship.ladders(case) if x.guardian == guardian)
    form = InterventionForm(request.POST, request.FILES, allowed=ladder.allowed, prefix=guardian)
    if form.is_valid():
        d = form.cleaned_data
        if run_into_form(request, form, lambda: guardianship.intervention_record(
                actor=request.user, case=case, guardian=guardian, rung=d["rung"], at=d["at"], unit=d["unit"], doc_no=d["doc_no"],
                outcome=d.get("outcome") or "", note=d["note"], document=d["document"]),
                f"已记录：{G.GUARDIANS[guardian]} {G.RUNG_BY_CODE[d['rung']].label}"):
            return redirect("protection:guardianship", pk=case.pk)
    return _page(request, case, bound=form, bound_for=guardian)


@requires("handles_cases")
@require_POST
def return_new(request, pk):
    case = case_for(request.user, pk)
    form = ReturnForm(request.POST, prefix="return")
    if form.is_valid():
        d = form.cleaned_data
        if run_into_form(request, form, lambda: guardianship.return_record(
                actor=request.user, case=case, guardian=d["guardian"], at=d["at"], outcome=d["outcome"], returned_on=d["returned_on"],
                note=d["note"]), "已记录劝返情况"):
            return redirect("protection:guardianship", pk=case.pk)
    return _page(request, case, return_form=form)


@requires("handles_cases")
def intervention_document(request, pk, iid):
    """A ruling or an order as scanned: served through the case's need to know, never from /media/."""
    case = case_for(request.user, pk)
    row = Intervention.objects.filter(case__child_id=case.child_id, pk=iid).first()  # the ladder is the child's (all its cases)
    if row is None or not row.document:
        raise Http404
    f = row.document.open("rb")
    kind = uploads.document_kind(f)
    if kind is None:  # stored before the type decided the name: never served as whatever its name claims
        f.close()
        raise Http404
    log_access(actor=request.user, action="view", child=case.child, scope="保护个案", detail=f"个案 #{case.pk} 监护干预文书",
               confidential=True, request=request)
    return FileResponse(f, as_attachment=False, content_type=kind[1])


urlpatterns = [
    path("cases/<int:pk>/guardianship/", guardianship_page, name="guardianship"),
    path("cases/<int:pk>/guardianship/intervene/", intervention_new, name="intervention_new"),
    path("cases/<int:pk>/guardianship/return/", return_new, name="return_new"),
    path("cases/<int:pk>/guardianship/documents/<int:iid>/", intervention_document, name="intervention_document"),
]
