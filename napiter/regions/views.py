from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from napiter import policy
from napiter.regions.forms import RegionLookupForm
from napiter.regions.selectors import regions_children


def _require_region_view(request: HttpRequest) -> None:
    if not policy.holds(request.user, "region.view"):
        raise PermissionDenied


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    _require_region_view(request)
    return render(request, "regions/browse.html", {"form": RegionLookupForm()})


@login_required
def options(request: HttpRequest) -> HttpResponse:
    """<option> elements for the children of `parent`: the fetched half of the region picker."""
    _require_region_view(request)
    parent = request.GET.get("parent", "")
    children = regions_children(parent) if parent else []
    return render(request, "regions/_options.html", {"regions": children})
