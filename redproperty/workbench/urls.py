"""/workbench/: the community workers' door. Each app's pages live next to its records."""
from django.urls import include, path

from . import views

app_name = "workbench"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("community/", views.ChooseCommunityView.as_view(), name="choose_community"),
    path("", include("complaints.workbench.urls")),
    path("", include("partybranches.workbench.urls")),
    path("", include("communities.workbench.urls")),
    path("", include("properties.workbench.urls")),
]
