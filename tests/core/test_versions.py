"""core.versions: the compare-and-increment, If-Match parsing, the form's hidden version."""
import threading

import pytest
from django.db import connection, transaction

from shouhu.core.versions import Stale, bump_version, etag, parse_if_match
from shouhu.registry.models import Child
from tests.factories import make_child


@pytest.mark.parametrize(("header", "versions"), [
    (None, None), ("*", []), ('"3"', [3]), (' "3" , "5" ', [3, 5]), (etag(12), [12]),
])
def test_if_match_names_versions(header, versions):
    assert parse_if_match(header) == versions


@pytest.mark.parametrize("header", [
    "", "3", '"abc"', 'W/"3"', '"3', '"-1"', '"1e3"', '"٣"', '"99999999999999999999999"', '"3", bogus', ",",
])
def test_a_bogus_if_match_fails_rather_than_being_ignored(header):
    """Reproduces: a bogus If-Match was accepted (the update went through as if unconditional)."""
    with pytest.raises(Stale) as e:
        parse_if_match(header)
    assert e.value.code == "stale"


def test_bump_version_compares_and_increments(world):
    child = make_child(world.admin, world.guangrong)
    assert child.version == 1
    other = Child.objects.get(pk=child.pk)
    with transaction.atomic():
        assert bump_version(child) == 2
    with pytest.raises(Stale) as e:  # `other` was loaded at version 1
        with transaction.atomic():
            bump_version(other)
    assert e.value.current == 2 and e.value.status == 409
    assert Child.objects.get(pk=child.pk).version == 2
    with pytest.raises(Stale):
        bump_version(Child.objects.get(pk=child.pk), expected=1)  # an explicit older version


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_cannot_both_pass(world):
    """Two transactions that read the same version: the second UPDATE waits for the first's row
    lock, then matches no row. Only PostgreSQL runs them truly side by side."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    child = make_child(world.admin, world.guangrong)
    first_in, results = threading.Event(), {}

    def second():
        from django.db import connection as conn
        try:
            first_in.wait(5)
            with transaction.atomic():
                bump_version(Child.objects.get(pk=child.pk), expected=1)
            results["second"] = "saved"
        except Stale:
            results["second"] = "stale"
        finally:
            conn.close()

    t = threading.Thread(target=second)
    t.start()
    with transaction.atomic():
        bump_version(child, expected=1)
        first_in.set()
        t.join(0.5)  # the second is blocked on our row lock meanwhile
        assert t.is_alive()
    t.join(5)
    assert results == {"second": "stale"}
    assert Child.objects.get(pk=child.pk).version == 2


# Forms that never edit a saved record (or, for the county setting, one row of thresholds): the
# rest must carry the version. A new edit form or update action fails here until it does (decision 48).
NOT_EDITING = {
    "CounsellingForm": "sessions are recorded, not edited",
    "ActivityForm": "activities are registered, not edited",
    "CampaignForm": "campaigns are created, not edited",
    "AssignmentForm": "grants are added and removed",
    "UserForm": "users are created here; they change their own password elsewhere",
    "CountySettingForm": "one row of thresholds, the county admin's",
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_edit_form_and_update_action_is_versioned():
    from django import forms
    from django.urls import get_resolver
    from rest_framework.mixins import UpdateModelMixin

    from shouhu.api.urls import router
    from shouhu.api.versions import VersionedMixin
    from shouhu.core.versions import Versioned, VersionFormMixin

    assert get_resolver().url_patterns  # loading them imports every view, so every form
    ours = {f for f in _subclasses(forms.ModelForm) if f.__module__.startswith("shouhu.")}
    assert {"ChildForm", "HelperForm", "SchoolForm", "SchoolClassForm", *NOT_EDITING} <= {f.__name__ for f in ours}
    for form in ours:
        if issubclass(form, VersionFormMixin):
            assert issubclass(form._meta.model, Versioned), form
        else:
            assert form.__name__ in NOT_EDITING, f"{form.__module__}.{form.__name__} edits records without a version"
    for _, viewset, _ in router.registry:
        if issubclass(viewset, UpdateModelMixin):
            assert issubclass(viewset, VersionedMixin), viewset
            assert issubclass(viewset.serializer_class.Meta.model, Versioned), viewset
