"""The installable app (docs/domain.md "Working without signal"): the manifest and the service
worker, both at the site root — a worker's scope is the folder it is served from, and it must
cover every page, so `/sw.js` is a view and not a static file under /static/."""
import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse

from shouhu.accounts.permissions import public

# The files every page is made of: cached when the worker installs.
SHELL = ("vendor/bootstrap/css/bootstrap.min.css", "css/shouhu.css", "vendor/htmx/htmx.min.js",
         "vendor/bootstrap/js/bootstrap.bundle.min.js", "js/shouhu.js", "js/offline.js", "icons/icon-192.png")
# The pages kept for use without signal (patterns over the path; the care URLs are fixed by care/urls.py).
PAGES = (r"^/$", r"^/care/tasks/$", r"^/care/queue/$", r"^/care/visits/new/[^/]+/$", r"^/care/contacts/new/[^/]+/$")


def _read(name: str) -> bytes:
    path = finders.find(name)
    if not path:
        return b""
    with open(path, "rb") as f:
        return f.read()


@lru_cache(maxsize=1)
def _worker() -> str:
    """The worker's text with its settings above it. Its version is a digest of what it caches,
    so a deploy that changes a file makes a new worker and a new cache (the browser compares the
    worker's bytes on every visit)."""
    shell = [s for s in SHELL if finders.find(s)]
    body = _read("js/sw.js").decode()
    digest = hashlib.sha256(body.encode() + b"".join(_read(s) for s in shell)).hexdigest()[:16]
    config = {"version": digest, "shell": [static(s) for s in shell], "static": static(""), "pages": list(PAGES),
              "tasks": reverse("care:tasks"), "queue": reverse("care:queue"), "login": reverse("login"), "logout": reverse("logout")}
    return f"var CONFIG = {json.dumps(config, ensure_ascii=False)};\n{body}"


@public
def service_worker(request):
    response = HttpResponse(_worker(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@public
def manifest(request):
    icons = [{"src": static(f"icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"} for n in (192, 512)]
    icons += [{"src": static(f"icons/maskable-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png", "purpose": "maskable"} for n in (192, 512)]
    data = {"name": "守护", "short_name": "守护", "description": "农村留守儿童和困境儿童关爱保护", "lang": "zh-CN",
            "start_url": reverse("home"), "scope": "/", "display": "standalone", "background_color": "#ffffff",
            "theme_color": "#0d6efd", "icons": icons}
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
