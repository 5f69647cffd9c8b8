"""How the schooling app joins the layers below it: the early-warning rules read its facts (a
pupil out of school whose whereabouts are unknown) through the registry's fact hooks."""
from shouhu.registry.hooks import register_facts

from .dropout import dropout_facts


def connect() -> None:
    register_facts("schooling", dropout_facts)
