from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Raadsvoorstel"
admin.site.site_title = "Raadsvoorstel"
admin.site.index_title = "Beheer"

urlpatterns = [
    # The griffie's own pages come with the drafting issue; until then the admin is home.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
