"""Care work over the API (关爱帮扶), one module per resource: helpers, pairings, visits, contacts,
wishes, counselling, activities, campaigns and "my tasks".

The same selectors and services as the pages: every queryset comes from a care selector (out of
scope is the same 404 as missing), every write goes through a care service, whose `ServiceError`
the exception handler (`api.errors`) answers with its code, field and status. Every action
declares the needs of the matching page (`api.permissions`)."""
from .fields import ChildField  # noqa: F401 — other resources reference children the same way
