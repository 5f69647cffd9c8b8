"""The inbox: newest first, unread marked; opening one marks it read and goes to its object."""
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import requires
from shouhu.core.params import page_param

from . import services
from .models import Notification


@requires("signed_in")
def inbox(request):
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(page_param(request.GET))
    return render(request, "notify/inbox.html", {"page": page})


@requires("signed_in")
def open_one(request, pk):
    n = get_object_or_404(Notification, pk=pk, user=request.user)  # another user's: the same 404
    services.mark_read(user=request.user, notification_id=n.pk)
    ok = n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts=None) and n.url.startswith("/")
    return redirect(n.url if ok else "notify:inbox")


@requires("signed_in")
@require_POST
def read_all(request):
    services.mark_read(user=request.user)
    return redirect("notify:inbox")
