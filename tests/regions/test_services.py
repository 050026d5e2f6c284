from __future__ import annotations

import pytest
from django.db.models import Count, F

from napiter.regions.models import Region
from napiter.regions.services import regions_load

pytestmark = pytest.mark.django_db

TOTAL = 38 + 514 + 7_285 + 83_762


def test_loaded_tree_has_every_level_of_the_decree(base_data):
    per_level = dict(Region.objects.values_list("level").annotate(n=Count("code")).order_by("level"))

    assert per_level == {
        Region.Level.PROVINCE: 38,
        Region.Level.REGENCY: 514,
        Region.Level.DISTRICT: 7_285,
        Region.Level.VILLAGE: 83_762,
    }


def test_every_region_below_a_province_hangs_from_the_level_above(base_data):
    assert not Region.objects.filter(level=Region.Level.PROVINCE, parent__isnull=False).exists()
    well_attached = Region.objects.filter(parent__level=F("level") - 1, code__startswith=F("parent__code"))
    assert well_attached.count() == TOTAL - 38


def test_second_load_inserts_and_updates_nothing(base_data):
    report = regions_load()

    assert report.total == TOTAL
    assert report.inserted == 0
    assert report.updated == 0
    assert report.missing_from_source == 0
    assert Region.objects.count() == TOTAL


def test_load_restores_a_changed_name_and_keeps_regions_gone_from_the_source(base_data):
    Region.objects.filter(code="36.71").update(name="Kota Tangerang Lama")
    # A code that a newer decree dropped: people may still point at it, so it must survive a reload.
    Region.objects.create(code="36.99", name="Kabupaten Hapus", level=2, kind="kabupaten", parent_id="36")

    report = regions_load()

    assert (report.inserted, report.updated, report.missing_from_source) == (0, 1, 1)
    assert Region.objects.get(code="36.71").name == "Kota Tangerang"
    assert Region.objects.filter(code="36.99").exists()
    # Run again inside the same (test) transaction: the first run's staging table must be gone.
    assert regions_load().updated == 0
