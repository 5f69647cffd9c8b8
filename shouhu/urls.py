from django.contrib.auth import views as auth_views
from django.urls import include, path

from shouhu.accounts import signin
from shouhu.accounts.permissions import public
from shouhu.web import help as web_help
from shouhu.web import pwa
from shouhu.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("dashboard/", web.dashboard, name="dashboard"),
    path("dashboard/briefing/", web.briefing, name="dashboard_briefing"),
    path("help/", web_help.help_index, name="help"),
    path("help/<slug:role>/", web_help.help_role, name="help_role"),
    path("login/", public(auth_views.LoginView.as_view(template_name="login.html", redirect_authenticated_user=True)), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("account/password/", signin.password_change_view, name="password_change"),
    path("account/otp/enrol/", signin.otp_enrol, name="otp_enrol"),
    path("account/otp/verify/", signin.otp_verify, name="otp_verify"),
    path("children/", include("shouhu.registry.urls")),
    path("regions/", include("shouhu.regions.urls")),
    path("audit/", include("shouhu.audit.urls")),
    path("intake/", include("shouhu.intake.urls")),
    path("reports/", include("shouhu.reports.urls")),
    path("care/", include("shouhu.care.urls")),
    path("quality/", include("shouhu.quality.urls")),
    path("schooling/", include("shouhu.schooling.urls")),
    path("protection/", include("shouhu.protection.urls")),
    path("supervision/", include("shouhu.supervision.urls")),
    path("benefits/", include("shouhu.benefits.urls")),
    path("places/", include("shouhu.places.urls")),
    path("staff/", include("shouhu.staffing.urls")),
    path("inbox/", include("shouhu.notify.urls")),
    path("users/", include("shouhu.accounts.urls")),
    path("api/", include("shouhu.api.urls")),
]
