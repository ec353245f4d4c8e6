"""The public portal, in the `public` namespace. The home page ("", name "home") is wired in
kiks/urls.py to public.views.HomeView."""

from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("inovasi/", views.RegistryView.as_view(), name="registry"),
    path("inovasi/<slug:slug>/", views.InnovationView.as_view(), name="innovation"),
    path("instansi/<slug:slug>/", views.AgencyView.as_view(), name="agency"),
    path("hasil/", views.ResultsIndexView.as_view(), name="results_index"),
    path("hasil/<slug:slug>/", views.ResultsView.as_view(), name="results"),
    path("foto/<id:pk>/", views.PhotoView.as_view(), name="photo"),
    path("foto/<id:pk>/kecil/", views.PhotoView.as_view(thumbnail=True), name="photo_thumb"),
    path("favorit/<slug:slug>/", views.VoteView.as_view(), name="vote"),
    path(
        "favorit/<slug:slug>/<slug:track>/pilih/",
        views.VoteRequestView.as_view(),
        name="vote_request",
    ),
    path("favorit/konfirmasi/<str:token>/", views.VoteConfirmView.as_view(), name="vote_confirm"),
    path("penyelenggara/favorit/", views.VoteCountsView.as_view(), name="vote_counts"),
    path(
        "penyelenggara/favorit/<slug:slug>/suara.csv",
        views.VoteExportView.as_view(),
        name="vote_export",
    ),
]
