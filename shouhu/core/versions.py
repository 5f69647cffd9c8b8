"""Versions against lost updates: every record people edit carries a number that each write raises.

A form or an API client reads the record at version N and sends N back with its change; the
write raises the version with `UPDATE … SET version = version + 1 WHERE pk = … AND version = N`.
The row lock that UPDATE takes is held to the end of the transaction, so of two saves that read
the same version the second one waits, then matches no row and is refused (`Stale`) instead of
silently putting back what the first one changed. SQLite runs one writing transaction at a time
(settings: IMMEDIATE), which gives the same answer.

The API speaks HTTP's own words for it (RFC 9110 §13.1.1): the version is the `ETag`, and a
client's `If-Match` is the version it read; `parse_if_match` reads that header.
"""
from django import forms
from django.db import models
from django.db.models import F

from .errors import Conflict, ErrorCode

STALE_MESSAGE = "此记录已被他人修改，请核对后再保存"


class Stale(Conflict):
    """The record changed since the version the user read (HTTP 409 by default; the API answers a
    failed `If-Match` with 412)."""

    default_code = ErrorCode.STALE

    def __init__(self, message: str = STALE_MESSAGE, *, code=None, field=None, current: int | None = None):
        super().__init__(message, code=code, field=field)
        self.current = current


class Versioned(models.Model):
    """Abstract base: `version` starts at 1 and only `bump_version` raises it."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


def bump_version(obj: models.Model, *, expected: int | None = None) -> int:
    """Compare and increment in one UPDATE, before the caller saves `obj` in the same transaction.

    `expected`: the version the user read (a form's hidden field, an If-Match); None = the version
    `obj` was loaded with, which still refuses a write that raced this one since the load.
    Raises `Stale` when the row is at another version. Sets and returns the new version."""
    base = type(obj)._base_manager
    expected = obj.version if expected is None else expected
    if not base.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        current = base.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise Stale(current=current)
    obj.version = expected + 1
    return obj.version


def lock_fresh(obj: models.Model) -> models.Model:
    """`obj` re-read under a row lock held to the end of the transaction: for a write that is a
    step of state (a wish claimed, then fulfilled) rather than an edit, so the check of the state
    that follows sees the last committed one and two people cannot both take the same step."""
    type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).first()
    obj.refresh_from_db()
    return obj


def parse_if_match(header: str | None) -> list[int] | None:
    """The versions an `If-Match` header names: None when there is no header, [] for `*` (any
    version will do). Raises `Stale` for a header that names no version of ours (`"abc"`, a weak
    tag — If-Match compares strongly —, a number past 64 bits): a condition we cannot check is
    one that failed, never one that is ignored."""
    if header is None:
        return None
    header = header.strip()
    if header == "*":
        return []
    out = []
    for tag in header.split(","):
        tag = tag.strip()
        inner = tag[1:-1] if len(tag) >= 2 and tag[0] == tag[-1] == '"' else ""
        if not inner.isascii() or not inner.isdigit() or len(inner) > 18:
            raise Stale("If-Match 不是本记录的版本标识（ETag），请重新读取后再修改")
        out.append(int(inner))
    if not out:
        raise Stale("If-Match 不是本记录的版本标识（ETag），请重新读取后再修改")
    return out


def etag(version: int) -> str:
    return f'"{version}"'


class VersionFormMixin:
    """A hidden `version` field on a ModelForm of a `Versioned` model: the version the page showed.

    The view passes `form.expected_version()` to the service; after a `Stale` it calls
    `form.rebase(current)`, so the page keeps the user's input and saving again writes over the
    version now in the database — knowingly, after the page showed what changed."""

    def add_version_field(self) -> None:
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)
        if self.instance is not None and self.instance.pk:
            self.initial["version"] = self.instance.version

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version") or None

    def rebase(self, version: int) -> None:
        self.data = self.data.copy()
        self.data["version"] = str(version)

    def differences(self, current: models.Model) -> list[tuple[str, str, str]]:
        """(label, value saved now, value typed here) for the form's fields where the two differ: what
        a conflict page shows for a model without history (the record's own changes are unknown)."""
        out = []
        for name in self._meta.fields or ():
            if name not in self.fields or name not in self.cleaned_data:
                continue
            now, typed = getattr(current, name), self.cleaned_data[name]
            if (now or None) != (typed or None):
                out.append((str(self.fields[name].label), _shown(now), _shown(typed)))
        return out


def _shown(v) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)
