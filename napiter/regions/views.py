from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from napiter.regions.forms import RegionLookupForm
from napiter.regions.selectors import regions_children


@login_required
@permission_required("regions.view_region", raise_exception=True)
def browse(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/browse.html", {"form": RegionLookupForm()})


@login_required
@permission_required("regions.view_region", raise_exception=True)
def options(request: HttpRequest) -> HttpResponse:
    """<option> elements for the children of `parent`: the fetched half of the region picker."""
    parent = request.GET.get("parent", "")
    children = regions_children(parent) if parent else []
    return render(request, "regions/_options.html", {"regions": children})
