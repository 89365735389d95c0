"""A plain Django login view beside the admin: stands for any staff login (the workbench's)."""
from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import path

urlpatterns = [
    path("login/", LoginView.as_view(template_name="admin/login.html"), name="any-login"),
    path("admin/", admin.site.urls),
]
