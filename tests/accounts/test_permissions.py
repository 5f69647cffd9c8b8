"""Every operation declares what it needs, and who gets what is one table.

- The declaration test walks every URL pattern and every API action: a view without `@requires`
  / `@public`, or an API action missing from its viewset's `needs`, fails it — including those
  added later.
- The role × URL matrix says, for one child of 光荣村 (金星小学 三年级1班, paired with the
  volunteer) and the records around it, which users get the page (200, or a redirect into it);
everyone else gets the
  same 404 as for a page that does not exist.
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.viewsets import ViewSetMixin

from shouhu.accounts.permissions import NEEDS
from shouhu.care.activities.services import activity_save
from shouhu.care.helpers.services import helper_save, pairing_create
from shouhu.care.models import Activity, Helper
from shouhu.care.visits.services import visit_record
from shouhu.care.wishes.services import wish_create
from shouhu.protection.cases import case_open
from shouhu.staffing.services import person_appoint
from tests.api_util import api
from tests.factories import make_child, make_user


def _patterns(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_view_declares_what_it_needs():
    undeclared, unknown = [], []
    for route, view in _patterns():
        cls = getattr(view, "cls", None)
        if getattr(view, "required", None) is not None:  # @requires(...) or @public
            unknown += [(route, n) for n in view.required if n not in NEEDS]
            continue
        if cls is not None and hasattr(cls, "needs"):  # an API view: each action it routes declares
            actions = view.actions.values() if issubclass(cls, ViewSetMixin) else [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
            undeclared += [f"{route} → {a}" for a in actions if a not in cls.needs]
            unknown += [(route, n) for needs in cls.needs.values() for n in needs if n not in NEEDS]
            continue
        undeclared.append(route)
    assert undeclared == [], "these operations declare no needs"
    assert unknown == []


def test_an_undeclared_api_action_is_a_404(world, monkeypatch):
    from shouhu.api.views import ChildViewSet

    monkeypatch.setattr(ChildViewSet, "needs", {"retrieve": ("sees_children",)})
    assert api(world.admin).get("/api/v1/children/").status_code == 404  # fails closed


# -- the role × URL matrix -----------------------------------------------------------------------
EVERYONE = {"admin", "edu", "partner", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu", "xiaozhang", "xiaozhang_zhuhe",
            "banzhuren", "banzhuren_c32", "inspector", "volunteer", "counsellor", "nobody"}
SEES = EVERYONE - {"partner", "nobody"}  # roles that see some children
RECORDS = SEES - {"volunteer"}  # roles that read whole records and lists
CARE = {"admin", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu", "xiaozhang", "xiaozhang_zhuhe", "banzhuren", "banzhuren_c32",
        "volunteer", "counsellor"}  # record visits or pair helpers
REGION = {"admin", "edu", "partner", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu", "inspector"}
# whom the child reaches: its village, township and county; its school and class; its helper
PLACES = {"admin", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu", "xiaozhang", "xiaozhang_zhuhe", "banzhuren", "banzhuren_c32", "counsellor"}
REACH = {"admin", "edu", "dudao", "zhuren", "xiaozhang", "banzhuren", "inspector", "volunteer", "counsellor"}
STAFF = {"admin", "edu", "dudao", "dudao_zhuhe", "inspector"}  # read the staffing roster of their region

MATRIX = {
    "/": EVERYONE,
    "/children/": SEES,
    "/children/new/": {"admin", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu"},
    "/children/settings/": {"admin"},
    "/children/{child}/": REACH,
    "/children/{child}/edit/": {"admin", "dudao", "zhuren"},
    "/children/{child}/print/": REACH - {"volunteer"},
    "/children/{child}/agreement/print/": REACH - {"volunteer"},
    "/children/{child}/agreement/upload/": {"admin", "dudao", "zhuren"},
    "/regions/schools/": RECORDS,
    "/regions/schools/new/": {"admin"},
    # a village director answers for a village, not its schools; a head teacher sees the school of the class
    "/regions/schools/{school}/": {"admin", "edu", "dudao", "xiaozhang", "banzhuren", "banzhuren_c32", "inspector", "counsellor"},
    "/audit/": {"admin"},
    "/users/": {"admin"},
    "/intake/": RECORDS,
    "/reports/": REGION,
    "/care/tasks/": CARE,
    "/care/settings/": {"admin"},
    "/care/visits/": SEES,
    "/care/visits/{visit}/": REACH - {"volunteer"},
    "/care/visits/new/{child}/": REACH & CARE,
    "/care/helpers/": SEES,
    "/care/helpers/new/": {"admin", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu", "xiaozhang", "xiaozhang_zhuhe"},
    "/care/pairings/new/{child}/": {"admin", "dudao", "zhuren", "xiaozhang"},
    "/care/wishes/": SEES,
    "/care/wishes/new/{child}/": REACH & CARE,
    "/care/activities/": SEES,
    # Helpers' and activities' pages are care records: a statistics-only partner reads none of them
    # (it used to open every helper's and activity's page of the county by its number).
    "/care/helpers/{helper}/": {"admin", "edu", "dudao", "zhuren", "inspector", "volunteer"},
    "/care/activities/{activity}/": REACH,
    "/care/campaigns/": RECORDS,
    "/care/counselling/": {"counsellor"},
    "/care/counselling/new/{child}/": {"counsellor"},
    "/quality/": RECORDS,
    "/quality/issues/": RECORDS,
    "/quality/duplicates/": RECORDS,
    "/schooling/": RECORDS,
    # a protection case: those who handle cases at the child's place (the township supervisor; the
    # county's protection role is not among these users)
    "/protection/cases/{case}/guardianship/": {"dudao"},
    # the county's protection time limits (the county's protection role, not in this table, may too)
    "/protection/settings/": {"admin"},
    # 阵地建设: those who record attendance (the county, townships, villages, schools, head teachers, counsellors)
    "/places/": PLACES,
    "/places/parent-school/": PLACES,
    "/places/new/": PLACES - {"banzhuren", "banzhuren_c32", "counsellor"},
    "/places/coverage/": {"admin", "dudao", "dudao_zhuhe", "zhuren", "zhuren_lianfu"},
    "/places/settings/": {"admin"},
    "/api/v1/places/": PLACES,
    "/api/v1/children/": SEES,
    "/api/v1/children/{child}/": REACH,
    "/api/v1/visits/": SEES,
    "/api/v1/visits/{visit}/": REACH - {"volunteer"},
    "/api/v1/wishes/{wish}/": REACH,
    "/api/v1/counselling/": {"counsellor"},
    "/api/v1/helpers/": SEES,
    "/api/v1/helpers/{helper}/": {"admin", "edu", "dudao", "zhuren", "inspector", "volunteer"},
    "/api/v1/activities/": SEES,
    "/api/v1/activities/{activity}/": REACH,
    "/api/v1/tasks/": CARE,
    "/api/v1/campaigns/": RECORDS,
    "/api/v1/quality-issues/": RECORDS,
    "/api/v1/rosters/": RECORDS,
    # the staffing roster: those who read it (county admin, county education, township supervisors,
    # inspectors); a person of 光荣村 only within its township
    "/staff/": STAFF,
    "/staff/vacancies/": STAFF,
    "/staff/orgs/": STAFF,
    "/staff/appoint/": {"admin"},
    "/staff/people/{staffer}/": STAFF - {"dudao_zhuhe"},
    "/staff/people/{staffer}/edit/": {"admin"},
    "/api/v1/staff/": STAFF,
    "/api/v1/staff/{staffer}/": STAFF - {"dudao_zhuhe"},
    # the API's description and its docs: any signed-in user (anonymous: tests/api/test_schema.py)
    "/api/schema/": EVERYONE,
    "/api/docs/": EVERYONE,
}


@pytest.fixture
def users(world):
    world.counsellor = make_user("xinli", "counsellor", school=world.jinxing)
    world.nobody = make_user("nobody", "county_partner")  # an assignment without a node
    return world


@pytest.fixture
def records(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = users
    child = make_child(w.admin, w.guangrong, name="陆金兰", school=w.jinxing, school_class=w.c31)
    helper = helper_save(actor=w.zhuren, helper=Helper(name="李爱心", region=w.guangrong, phone="13800000001", user=w.volunteer))
    pairing_create(actor=w.zhuren, child=child, helper=helper, mode="一对多", start=w.today)
    visit = visit_record(actor=w.zhuren, child=child, date=w.today, mode="入户", areas={"life": "生活正常"})
    wish = wish_create(actor=w.zhuren, child=child, text="一个书包")
    activity = activity_save(actor=w.zhuren, activity=Activity(title="读书会", date=w.today, place="村委会", organiser="光荣村",
                                                               region=w.guangrong), children=[child])
    case = case_open(actor=w.dudao, child=child)
    staffer = person_appoint(actor=w.admin, values={"name": "张桂英"}, kind="village_director", region=w.guangrong, start_on=w.today)
    return {"staffer": staffer.person_id, "child": child.uid, "school": w.jinxing.pk, "visit": visit.pk, "wish": wish.pk, "helper": helper.pk,
            "activity": activity.pk, "case": case.pk}


@pytest.mark.parametrize("url", list(MATRIX))
def test_role_url_matrix(users, records, client, url):
    path = url.format(**records)
    got = {}
    for name in sorted(EVERYONE):
        user = getattr(users, name)
        if url.startswith("/api/"):
            status = api(user).get(path).status_code
        else:
            client.force_login(user)
            status = client.get(path).status_code
        got[name] = status
    # 302: a page that sends a user with one school straight to it (学籍核对)
    assert {n for n, s in got.items() if s in (200, 302)} == MATRIX[url], got
    assert {s for n, s in got.items() if n not in MATRIX[url]} <= {404}, got
