from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import care, quality, schooling, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("classes", views.SchoolClassViewSet, basename="class")
router.register("children", views.ChildViewSet, basename="child")
router.register("helpers", care.HelperViewSet, basename="helper")
router.register("pairings", care.PairingViewSet, basename="pairing")
router.register("visits", care.VisitViewSet, basename="visit")
router.register("contacts", care.ContactViewSet, basename="contact")
router.register("wishes", care.WishViewSet, basename="wish")
router.register("counselling", care.CounsellingViewSet, basename="counselling")
router.register("activities", care.ActivityViewSet, basename="activity")
router.register("campaigns", care.CampaignViewSet, basename="campaign")
router.register("tasks", care.TaskViewSet, basename="task")
router.register("quality-issues", quality.IssueViewSet, basename="quality-issue")
router.register("duplicates", quality.DuplicatePairViewSet, basename="duplicate")
router.register("rosters", schooling.RosterViewSet, basename="roster")
router.register("roster-entries", schooling.RosterEntryViewSet, basename="roster-entry")
router.register("consistency", schooling.ConsistencyViewSet, basename="consistency")

urlpatterns = [
    path("v1/auth/token/", obtain_auth_token, name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
