"""The `common` app: no models; registered so that its modules sit with the other apps."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self):
        from django.urls import register_converter

        from common.converters import IdConverter

        register_converter(IdConverter, "id")
