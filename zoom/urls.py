from django.urls import path

from . import views

app_name = "zoom"

urlpatterns = [
    path("manage/<slug:slug>/zoom/", views.connection, name="connection"),
    path("manage/<slug:slug>/zoom/reconnect/", views.reconnect, name="reconnect"),
    path("manage/<slug:slug>/sessions/<int:pk>/zoom/", views.meeting, name="meeting"),
    path("manage/<slug:slug>/sessions/<int:pk>/zoom/recreate/", views.recreate, name="recreate"),
    path("manage/<slug:slug>/sessions/<int:pk>/zoom/fetch-report/", views.fetch_report, name="fetch_report"),
    path("manage/<slug:slug>/sessions/<int:pk>/zoom/match/", views.match_by_hand, name="match"),
    path("zoom/webhook/<slug:slug>/", views.webhook, name="webhook"),
]
