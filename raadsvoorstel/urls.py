from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "Raadsvoorstel"
admin.site.site_title = "Raadsvoorstel"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="proposal_list", permanent=False)),
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("voorstellen/", views.proposal_list, name="proposal_list"),
    path("voorstellen/nieuw/", views.proposal_create, name="proposal_create"),
    path("voorstellen/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("voorstellen/<int:pk>/bewerken/", views.proposal_edit, name="proposal_edit"),
    path("voorstellen/<int:pk>/geschiedenis/", views.proposal_history, name="proposal_history"),
    path("voorstellen/<int:pk>/stap/<slug:name>/", views.proposal_transition, name="proposal_transition"),
    path("voorstellen/<int:pk>/bijlagen/", views.attachment_add, name="attachment_add"),
    path(
        "voorstellen/<int:pk>/bijlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "voorstellen/<int:pk>/bijlagen/<int:attachment_pk>/verwijderen/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("admin/", admin.site.urls),
]
