from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("classes", views.SchoolClassViewSet, basename="class")
router.register("children", views.ChildViewSet, basename="child")

urlpatterns = [
    path("v1/auth/token/", obtain_auth_token, name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
