from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from shouhu.accounts.permissions import public

from . import absences, auth, benefits, docs, dropout, hukou, places, protection, quality, reports, schooling, staffing, supervision, views
from .care import activities, campaigns, contacts, counselling, helpers, pairings, tasks, visits, wishes
from .permissions import Declared, declare


class Router(DefaultRouter):
    class APIRootView(DefaultRouter.APIRootView):
        """The list of resources."""
        needs = declare(("get",), "signed_in")


class SchemaView(SpectacularAPIView):
    """The OpenAPI description: for signed-in users (session or token), like the API it describes —
    it names every filter and field a scraper would try."""
    needs = declare(("get",), "signed_in")
    permission_classes = [Declared]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's files (no CDN); its start-up script is a separate
    request (`?script`), so the Content-Security-Policy needs no inline script."""
    needs = declare(("get",), "signed_in")
    permission_classes = [Declared]
    url_name = "schema"


docs.document()  # the Chinese summaries and tags of the API description

router = Router()
router.register("regions", views.RegionViewSet, basename="region")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("classes", views.SchoolClassViewSet, basename="class")
router.register("children", views.ChildViewSet, basename="child")
router.register("helpers", helpers.HelperViewSet, basename="helper")
router.register("pairings", pairings.PairingViewSet, basename="pairing")
router.register("visits", visits.VisitViewSet, basename="visit")
router.register("contacts", contacts.ContactViewSet, basename="contact")
router.register("wishes", wishes.WishViewSet, basename="wish")
router.register("counselling", counselling.CounsellingViewSet, basename="counselling")
router.register("activities", activities.ActivityViewSet, basename="activity")
router.register("campaigns", campaigns.CampaignViewSet, basename="campaign")
router.register("tasks", tasks.TaskViewSet, basename="task")
router.register("quality-issues", quality.IssueViewSet, basename="quality-issue")
router.register("duplicates", quality.DuplicatePairViewSet, basename="duplicate")
router.register("rosters", schooling.RosterViewSet, basename="roster")
router.register("roster-entries", schooling.RosterEntryViewSet, basename="roster-entry")
router.register("consistency", schooling.ConsistencyViewSet, basename="consistency")
router.register("alerts", protection.AlertViewSet, basename="alert")
router.register("mandatory-reports", protection.ReportViewSet, basename="mandatory-report")
router.register("cases", protection.CaseViewSet, basename="case")
router.register("meetings", protection.MeetingViewSet, basename="meeting")
router.register("dropout-cases", dropout.DropoutCaseViewSet, basename="dropout-case")
router.register("inspections", supervision.InspectionViewSet, basename="inspection")
router.register("findings", supervision.FindingViewSet, basename="finding")
router.register("scoreboard", supervision.ScoreboardViewSet, basename="scoreboard")
router.register("benefits", benefits.GrantViewSet, basename="benefit")
router.register("funds", benefits.FundViewSet, basename="fund")
router.register("absences", absences.AbsenceViewSet, basename="absence")
router.register("places", places.PlaceViewSet, basename="place")
router.register("staff", staffing.StaffViewSet, basename="staff")
router.register("stat-tables", reports.StatTableViewSet, basename="stat-table")
router.register("hukou-checks", hukou.HukouCheckViewSet, basename="hukou-check")

urlpatterns = [
    path("v1/auth/token/", public(auth.TokenView.as_view()), name="api-token"),  # signing in
    path("v1/auth/logout/", auth.LogoutView.as_view(), name="api-logout"),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI's page sets its body margin in an inline <style> (drf-spectacular's template)
    path("docs/", csp_update({"style-src": ["'unsafe-inline'"]})(DocsView.as_view()), name="api-docs"),
]
