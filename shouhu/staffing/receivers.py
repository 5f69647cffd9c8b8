"""How staffing joins the layers below it: the 考核 scoreboard (supervision) counts 队伍配备 through
the registry's indicator hook, so supervision never imports staffing."""
from shouhu.registry.hooks import Indicator, register_indicator

from .selectors import staffing_counts


def connect() -> None:
    register_indicator(Indicator("staffing", staffing_counts, "/staff/vacancies/?{unit}"))
