"""The settings the suite runs with: the project's own, with DEBUG off (as in production) and a
machine-local secret key and field-encryption keys (var/dev-*-key) instead of a deployment's
(settings refuse to start without them otherwise).
CI runs `make test` with no environment, so the suite must say this itself."""
import os

os.environ.setdefault("SHOUHU_TESTING", "1")

from shouhu.settings import *  # noqa: E402,F403
