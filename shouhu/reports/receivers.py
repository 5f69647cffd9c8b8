"""How the monthly report joins the layers below it: its on-time submissions are a 考核 indicator."""
from shouhu.registry.hooks import Indicator, register_indicator

from .indicators import reports_counts


def connect() -> None:
    register_indicator(Indicator("reports", reports_counts, "/reports/status/"))
