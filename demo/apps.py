"""The `demo` app: no models; it holds the demo loaders and the `load_demo` command."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
