"""django.contrib.auth.urls (same paths and names), with the log-in form of kiks.forms."""

from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views
from django.urls import path

from kiks.forms import LoginForm

urlpatterns = [
    path("login/", views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    *(pattern for pattern in auth_urls.urlpatterns if pattern.name != "login"),
]
