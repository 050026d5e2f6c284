from __future__ import annotations

from django.conf import settings

from napiter.accounts import roles
from napiter.accounts.demo import DEMO_CAST
from napiter.accounts.models import Office, User


def user_of_every_role() -> list[User]:
    """The demo cast, plus the two roles it lacks: a K/L Eselon II official and an administrator, each with the
    demo authenticator its role requires. Every role is covered, supervisors and caseworkers both national and
    regional."""
    from napiter.accounts.security import demo_otp_device_upsert
    from napiter.accounts.services import user_upsert

    extra = [
        ("kl.kemenag.eselon2", "KEMENAG-RENC", roles.PEJABAT_KL, "Ahmad", "Zainuddin"),
        ("admin.napiter", "INSPEKTORAT", roles.ADMIN, "Yusuf", "Ramadhan"),
    ]
    for username, office, role, first, last in extra:
        user = user_upsert(
            username=username,
            office=Office.objects.get(code=office),
            role=role,
            password=settings.DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
        demo_otp_device_upsert(user=user, password=settings.DEMO_PASSWORD)
    usernames = [m.username for m in DEMO_CAST] + [e[0] for e in extra]
    users = sorted(User.objects.filter(username__in=usernames), key=lambda u: usernames.index(u.username))
    assert {name for u in users for name in u.role_names()} == set(roles.ROLES)
    return users
