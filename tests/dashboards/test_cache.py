"""The national tiles' cache (dashboards/cache.py): shared by the users of one scope, as old as the page says
until beat recomputes it, and never used for a regional scope, whose numbers are always live."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.cache import warm_national
from dashboards.selectors import dashboard_for, province_table
from dashboards.tasks import warm_national as warm_national_task
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BANTEN_VILLAGE = "36.73.01.1002"


@pytest.fixture
def tile_cache(settings):
    """The cache on, under a key prefix of this test's own (the suite runs with it off)."""
    settings.DASHBOARD_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


def test_national_tiles_are_shared_by_one_scope_and_stale_until_warmed(cast, world, tile_cache):
    first = dashboard_for(cast.koordinator, period=world.period, today=world.today)
    assert first.as_of is not None
    people = first.people_total
    PersonFactory(full_name="Orang Baru Nasional", domicile_region_id=BANTEN_VILLAGE)

    # Kemensos's national supervisor sees the same people as BNPT's coordinator: the same cached number,
    # computed no more.
    other = dashboard_for(cast.kemensos_supervisor, period=world.period, today=world.today)
    assert other.people_total == people
    again = dashboard_for(cast.koordinator, period=world.period, today=world.today)
    assert (again.people_total, again.as_of) == (people, first.as_of)
    with CaptureQueriesContext(connection) as queries:
        dashboard_for(cast.koordinator, period=world.period, today=world.today)
    assert len(queries) == 2  # the plans by status and their realisation, which are always live

    assert warm_national(world.today) >= 2
    warmed = dashboard_for(cast.koordinator, period=world.period, today=world.today)
    assert warmed.people_total == people + 1
    assert warmed.as_of is not None
    assert warmed.as_of > first.as_of


def test_a_regional_scope_is_always_live(cast, world, tile_cache):
    before = dashboard_for(cast.banten_kabid, period=world.period, today=world.today)
    assert before.as_of is None
    PersonFactory(full_name="Orang Baru Banten", domicile_region_id=BANTEN_VILLAGE)
    after = dashboard_for(cast.banten_kabid, period=world.period, today=world.today)
    assert after.people_total == before.people_total + 1
    assert province_table(cast.banten_kabid, period=world.period, today=world.today).as_of is None


def test_the_province_table_is_cached_for_the_country(cast, world, tile_cache):
    first = province_table(cast.koordinator, period=world.period, today=world.today)
    banten = next(r for r in first.rows if r.code == "36")
    PersonFactory(full_name="Orang Baru Banten", domicile_region_id=BANTEN_VILLAGE)
    cached = province_table(cast.koordinator, period=world.period, today=world.today)
    assert (cached.as_of, next(r for r in cached.rows if r.code == "36").people) == (first.as_of, banten.people)
    warm_national(world.today)
    fresh = province_table(cast.koordinator, period=world.period, today=world.today)
    assert next(r for r in fresh.rows if r.code == "36").people == banten.people + 1


def test_the_page_says_how_old_a_national_number_is(cast, world, tile_cache, client_for):
    url = reverse("dashboards:home")
    assert 'data-testid="as-of"' in client_for(cast.koordinator).get(url).content.decode()
    assert 'data-testid="as-of"' in client_for(cast.koordinator).get(reverse("dashboards:provinces")).content.decode()
    assert 'data-testid="as-of"' not in client_for(cast.banten_kabid).get(url).content.decode()


def test_beat_recomputes_before_the_tiles_expire():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-warm-national"]
    assert entry["task"] == warm_national_task.name
    default_seconds = 600  # DASHBOARD_CACHE_SECONDS when the environment does not set it
    assert entry["schedule"] < default_seconds
