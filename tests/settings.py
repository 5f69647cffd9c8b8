"""The settings the suite runs with: the project's own, with DEBUG off (as in production) and a
machine-local secret key instead of a deployment's (settings refuse to start without one otherwise).
CI runs `make test` with no environment, so the suite must say this itself."""
import os

os.environ.setdefault("SHOUHU_TESTING", "1")

from shouhu.settings import *  # noqa: E402,F403
