"""Screenshots of the demo county: every demo user's home page at 390 px and 1280 px
(`docs/screens/`) and the pictures of the 使用说明 pages (`shouhu/static/help/<role>/`, listed in
`shouhu/web/help.py`). One command: `make screens` (or `.venv/bin/python tools/screens.py`).

It builds a small demo county in its own SQLite file (var/screens.sqlite3; the `shouhu demo`
builder, without serving), starts the server on a free local port with the demo's settings
(DEBUG off, CSP, `SHOUHU_DEMO_NO_2FA=1`), signs in as each demo user and shoots with Playwright on
Debian's Chromium (/usr/bin/chromium, never a downloaded browser). Each PNG is reduced to a
palette (Pillow) so the committed pictures stay small. Not part of `make test`.
"""
import argparse
import base64
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCREENS = ROOT / "docs" / "screens"
HELP = ROOT / "shouhu" / "static" / "help"
CHROMIUM = os.environ.get("SHOUHU_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
PASSWORD = "shouhu2026"  # shouhu.registry.demo.PASSWORD (the demo's printed password)
# the demo accounts, one per role (README, "Demo logins")
USERS = {"admin": "county_admin", "dudao": "township_supervisor", "zhuren": "village_director", "xiaozhang": "school_staff",
         "banzhuren": "head_teacher", "xinli": "counsellor", "zhiyuanzhe": "helper", "ducha": "inspector",
         "jiaoyu": "county_education", "baohu": "protection", "fulian": "county_partner"}
WIDTHS = (390, 1280)
COLOURS = 128  # palette size: enough for text and badges, a fraction of a full-colour PNG


def env(db: Path) -> dict:
    """The demo's settings for this run: its own database, and keys made once in var/ (so that
    `--keep` can read the database an earlier run built)."""
    keys = db.parent / "screens-keys"
    if not keys.exists():
        keys.write_text("\n".join(["screens-" + os.urandom(24).hex()] + [base64.b64encode(os.urandom(32)).decode() for _ in range(2)]))
    secret, field, index = keys.read_text().split()
    e = dict(os.environ)
    e.update({"DATABASE_URL": f"sqlite:///{db}", "SHOUHU_DEMO_NO_2FA": "1", "SHOUHU_DEBUG": "0",
              "SHOUHU_SECRET_KEY": secret, "SHOUHU_FIELD_KEYS": field, "SHOUHU_INDEX_KEY": index})
    return e


def plan() -> list[dict]:
    """Every picture to take: {user, path, width, out, focus} (no browser, no server: testable)."""
    from shouhu.web.help import HELP as ROLE_HELP

    by_role = {role: user for user, role in USERS.items()}
    shots = [{"user": user, "path": "/", "width": w, "out": SCREENS / f"{user}-{w}.png", "focus": ""} for user in USERS for w in WIDTHS]
    for role, h in ROLE_HELP.items():
        for t in h.tasks:
            if t.shot:
                shots.append({"user": by_role[role], "path": t.shot.path, "width": 390, "out": HELP / role / f"{t.shot.name}.png",
                              "focus": t.shot.focus})
    return shots


def shrink(png: bytes) -> bytes:
    """The picture with a palette of `COLOURS` colours, optimised (a tenth of Chromium's PNG or less)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: int = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url + "login/", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def shoot(base: str, shots: list[dict]) -> None:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise SystemExit("Debian's chromium is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN", "--disable-gpu", "--disable-background-networking",
                                                                     "--disable-component-update", "--no-first-run", "--disable-sync"])
        for user in USERS:
            for width in WIDTHS:
                mine = [s for s in shots if s["user"] == user and s["width"] == width]
                if not mine:
                    continue
                phone = width < 992
                ctx = browser.new_context(viewport={"width": width, "height": 844 if phone else 900}, device_scale_factor=1,
                                          is_mobile=phone, has_touch=phone, locale="zh-CN")
                page = ctx.new_page()
                page.set_default_timeout(30000)
                page.goto(base + "login/")
                page.fill("#id_username", user)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(base)
                child = ""
                for s in mine:
                    path = s["path"]
                    if "{child}" in path:
                        if not child:
                            page.goto(base + "children/")
                            hrefs = page.eval_on_selector_all("a[href^='/children/']", "els => els.map(e => e.getAttribute('href'))")
                            child = next(m.group(1) for h in hrefs if (m := re.fullmatch(r"/children/([0-9a-f-]{32,36})/", h)))
                        path = path.replace("{child}", child)
                    r = page.goto(base.rstrip("/") + path)
                    if r is None or r.status != 200:
                        raise SystemExit(f"{user} {path}: {r.status if r else 'no answer'}")
                    page.wait_for_load_state("networkidle")
                    if s["focus"]:
                        page.locator(s["focus"]).first.scroll_into_view_if_needed()
                        page.evaluate("window.scrollBy(0, -8)")
                    s["out"].parent.mkdir(parents=True, exist_ok=True)
                    s["out"].write_bytes(shrink(page.screenshot(animations="disabled")))
                    print(f"  {s['out'].relative_to(ROOT)}  {s['out'].stat().st_size // 1024} KB", flush=True)
                ctx.close()
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--children", type=int, default=300, help="the demo county's size (small: the pictures show a few rows)")
    ap.add_argument("--keep", action="store_true", help="reuse var/screens.sqlite3 if it exists")
    a = ap.parse_args()
    db = ROOT / "var" / "screens.sqlite3"
    e = env(db)
    py = [sys.executable, "-m", "shouhu.manage"]
    if not (a.keep and db.exists()):
        print(f"building a demo county of {a.children} children in {db.relative_to(ROOT)} …", flush=True)
        subprocess.run([*py, "demo", "--children", str(a.children), "--no-server"], env=e, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([*py, "runserver", f"127.0.0.1:{port}", "--noreload"], env=e, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(base)
        shoot(base, plan())
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ.update({k: v for k, v in env(ROOT / "var" / "screens.sqlite3").items() if k.startswith("SHOUHU_") or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")
    import django

    django.setup()
    main()
