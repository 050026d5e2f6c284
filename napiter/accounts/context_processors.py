from django.http import HttpRequest

from napiter.accounts.navigation import NavEntry, NavLink, nav_menu_for


def navigation(request: HttpRequest) -> dict[str, list[NavLink] | list[NavEntry]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "nav_items": []}
    menu = nav_menu_for(user, request.path)
    return {"nav_menu": menu, "nav_items": [item for entry in menu for item in entry.items]}
