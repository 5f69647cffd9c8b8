from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from shouhu.accounts.permissions import public

from . import audit, quality, schooling, views
from .care import activities, campaigns, contacts, counselling, helpers, pairings, tasks, visits, wishes
from .permissions import declare


class Router(DefaultRouter):
    class APIRootView(DefaultRouter.APIRootView):
        """The list of resources."""
        needs = declare(("get",), "signed_in")


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

urlpatterns = [
    path("v1/auth/token/", public(audit.obtain_auth_token), name="api-token"),  # signing in
    path("v1/", include(router.urls)),
    path("schema/", public(SpectacularAPIView.as_view()), name="schema"),  # the API description, no data
]
