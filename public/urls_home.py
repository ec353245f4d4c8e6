"""The home page, in the root namespace (name "home", used across the site); kiks/urls.py
includes it in place of the former placeholder view."""

from django.urls import path

from public.views import HomeView

urlpatterns = [path("", HomeView.as_view(), name="home")]
