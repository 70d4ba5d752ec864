from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("account/privacy/", views.privacy, name="privacy"),
    path("account/privacy/my-data.zip", views.data_export, name="data_export"),
    path("account/privacy/close/", views.close_account, name="close_account"),
]
