"""How supervision joins the layers below it: the quality app learns which records a field check
found wrong through the registry's fact finder (`field_mismatch`), so quality never imports
supervision."""
from shouhu.registry.hooks import Indicator, register_fact_finder, register_indicator

from .scoreboard import rectify_counts
from .services import field_mismatches


def connect() -> None:
    register_fact_finder("field_mismatch", field_mismatches)
    register_indicator(Indicator("rectify", rectify_counts, "/supervision/?state=late"))
