from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kiks import views

urlpatterns = [
    path("", include("public.urls_home")),
    path("healthz", views.healthz, name="healthz"),
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
    path("accounts/", include("kiks.urls_accounts")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("agencies.urls")),
    path("", include("innovations.urls")),
    path("", include("judging.urls")),
    path("", include("public.urls")),
    path("", include("audit.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
