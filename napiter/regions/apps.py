from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "napiter.regions"
    label = "regions"
    verbose_name = "Wilayah"
