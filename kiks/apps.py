from django.apps import AppConfig


class KiksConfig(AppConfig):
    name = "kiks"
    verbose_name = "KIKS"
