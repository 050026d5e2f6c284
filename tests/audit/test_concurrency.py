"""Concurrent writers: the advisory lock keeps each chain a single line, in id order."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connections, transaction

from napiter.accounts.models import User
from napiter.audit.actor import audit_actor
from napiter.audit.chain import verify_access_chain, verify_change_chain
from napiter.audit.models import AccessEvent, ChangeEvent
from napiter.audit.services import access_log

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 4, 15


def _run_in_threads(work):
    errors = []
    start = threading.Barrier(THREADS)

    def target(n):
        try:
            start.wait()
            work(n)
        except Exception as exc:  # reported to the test below, which fails on any
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_concurrent_inserts_keep_both_chains_valid(base_data):
    users = list(User.objects.order_by("pk")[:THREADS])
    access_before = AccessEvent.objects.count()
    change_before = ChangeEvent.objects.count()
    groups = [Group.objects.create(name=f"uji-{n}") for n in range(THREADS)]

    def work(n):
        user = User.objects.get(pk=users[n].pk)
        for i in range(EACH):
            # Each read is logged in its own transaction, interleaved with another thread's role changes.
            with transaction.atomic():
                access_log(user=user, action="view", obj_type="cases.person", obj_id=i, person_id=n * 100 + i)
            with audit_actor(user.pk), transaction.atomic():
                Group.objects.filter(pk=groups[n].pk).update(name=f"uji-{n}-{i}")

    _run_in_threads(work)

    assert AccessEvent.objects.count() == access_before + THREADS * EACH
    assert ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE").count() == THREADS * EACH
    assert ChangeEvent.objects.count() == change_before + THREADS + THREADS * EACH
    access, change = verify_access_chain(), verify_change_chain()
    assert access.intact, access
    assert change.intact, change
    times = list(AccessEvent.objects.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)  # the chain order is also the time order
    for user in users:
        attributed = ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE", user_id=user.pk)
        assert attributed.count() == EACH


def test_user_is_set_again_after_a_rolled_back_transaction(transactional_db):
    # The value set inside a transaction that rolls back is gone; the next transaction opens with a read,
    # so the wrapper must have noticed the end of the first one before that read.
    group = Group.objects.create(name="uji")

    def rolled_back():
        with transaction.atomic():
            Group.objects.filter(pk=group.pk).update(name="dibatalkan")
            raise RuntimeError("dibatalkan")

    with audit_actor(4242):
        with pytest.raises(RuntimeError):
            rolled_back()
        with transaction.atomic():
            assert Group.objects.filter(pk=group.pk, name="uji").exists()
            Group.objects.filter(pk=group.pk).update(name="uji-2")
    (event,) = ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE")
    assert (event.new, event.user_id) == ({"name": "uji-2"}, 4242)
