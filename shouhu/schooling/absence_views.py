"""The absence log page (考勤登记; docs/domain.md, "Keeping children in school"): a head teacher, on
a phone, marks the day's absent pupils in seconds — one row a pupil, three big toggles 在校 / 旷课
/ 请假 (在校 by default: absences are kept by exception), an optional reason, one save button —
then sees each pupil's unexcused streak and who is close to the county's threshold. A day that
is not a school day of the county's calendar says so. The school's staff pick any class of the
school; for anyone else every class is the 404 of a missing page."""
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from shouhu.accounts.permissions import requires
from shouhu.audit.services import log_access
from shouhu.core.errors import BadParameter, ServiceError

from . import absences as A
from . import dropout

MARKS = {"in": None, "absent": False, "leave": True}  # the toggle -> excused (None: 在校)


def day_param(raw: str | None, *, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter("日期格式应为 YYYY-MM-DD", field="day") from None


def _class(request, raw):
    classes = list(A.absence_classes_visible_to(request.user))
    if raw:
        return A.absence_class_for(request.user, raw), classes
    return (classes[0] if len(classes) == 1 else None), classes


def marks_from(post, pupils) -> tuple[dict, dict]:
    """{pupil_key: (excused, reason)} of the pupils toggled 旷课 or 请假, and {key: error}."""
    marks, errors = {}, {}
    for p in pupils:
        mark = post.get(f"m-{p.key}", "in")
        if mark not in MARKS:
            errors[p.key] = "请选择在校、旷课或请假"
            continue
        reason = post.get(f"r-{p.key}", "").strip()
        if len(reason) > A.REASON_MAX:
            errors[p.key] = f"原因不超过{A.REASON_MAX}字"
        if MARKS[mark] is not None:
            marks[p.key] = (MARKS[mark], reason)
    return marks, errors


@requires("records_absences")
def absences(request):
    today = timezone.localdate()
    day = day_param(request.GET.get("day"), default=today)
    school_class, classes = _class(request, request.GET.get("class"))
    if not classes:
        raise Http404
    ctx = {"classes": classes, "school_class": school_class, "day": day, "today": today}
    if school_class is None:  # the school's staff: pick a class first
        return render(request, "schooling/absences_pick.html", ctx)
    settings = dropout.dropout_settings()
    ctx.update(threshold=settings.streak_days, school_day=settings.calendar.is_school_day(day), future=day > today,
               label=A.class_label(school_class))
    errors, day_error, status = {}, "", 200
    if request.method == "POST" and not (ctx["school_day"] and not ctx["future"]):
        status = 400  # the page says why: not a school day, or a day to come
    elif request.method == "POST":
        pupils = A.class_pupils(request.user, school_class)
        marks, errors = marks_from(request.POST, pupils)
        if not errors:
            try:
                A.absences_record(actor=request.user, school_class=school_class, day=day, marks=marks, request=request)
            except ServiceError as exc:
                if exc.field and exc.field.startswith("reason-"):
                    errors[exc.field[len("reason-"):]] = exc.message
                else:
                    day_error = exc.message
            else:
                absent = sum(1 for e, _ in marks.values() if not e)
                messages.success(request, f"已保存：旷课 {absent} 人，请假 {len(marks) - absent} 人")
                return redirect(f"{reverse('schooling:absences')}?class={school_class.pk}&day={day:%Y-%m-%d}")
        status = 400
    pupils = A.class_day(request.user, school_class, day, settings=settings)
    if request.method == "POST":  # show what was sent beside its error
        for p in pupils:
            mark = request.POST.get(f"m-{p.key}", "in")
            p.excused, p.reason = MARKS.get(mark), request.POST.get(f"r-{p.key}", "")
    for p in pupils:
        p.extra["error"] = errors.get(p.key, "")
        p.extra["mark"] = {None: "in", False: "absent", True: "leave"}[p.excused]
    log_access(actor=request.user, action="list", scope="考勤", request=request,
               detail=f"{school_class.school.name}{ctx['label']} {day:%Y-%m-%d} 共{len(pupils)}人")
    near = max(1, settings.streak_days - 2)
    ctx.update(pupils=pupils, errors=errors, day_error=day_error, near=[p for p in pupils if p.streak >= near],
               near_from=near, absent=sum(1 for p in pupils if p.excused is False), leave=sum(1 for p in pupils if p.excused))
    return render(request, "schooling/absences.html", ctx, status=status)


urlpatterns = [
    path("absences/", absences, name="absences"),
]
