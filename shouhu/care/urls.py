"""The care pages: each subpackage brings its own URLs under the one `care:` namespace."""
from .activities.urls import urlpatterns as activities
from .campaigns.urls import urlpatterns as campaigns
from .counselling.urls import urlpatterns as counselling
from .dues.urls import urlpatterns as dues
from .helpers.urls import urlpatterns as helpers
from .visits.urls import urlpatterns as visits
from .wishes.urls import urlpatterns as wishes

app_name = "care"
urlpatterns = [*dues, *visits, *campaigns, *helpers, *wishes, *activities, *counselling]
