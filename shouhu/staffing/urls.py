from django.urls import path

from . import views

app_name = "staffing"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("appoint/", views.appoint, name="appoint"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/appoint/", views.appoint, name="person_appoint"),
    path("people/<int:pk>/trainings/new/", views.training_new, name="training_new"),
    path("people/<int:pk>/trainings/<int:tid>/certificate/", views.certificate, name="certificate"),
    path("appointments/<int:pk>/end/", views.appointment_end, name="appointment_end"),
    path("orgs/", views.orgs, name="orgs"),
    path("orgs/<int:pk>/", views.org_edit, name="org"),
]
