"""Short names people write for official division names (pure)."""

# Longest suffix first: 社区居民委员会 must win over 居民委员会.
SUFFIXES = [
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
]


def short_name(official: str) -> str:
    """红星村民委员会 → 红星村; 多福巷社区居委会 → 多福巷社区; others unchanged."""
    for suffix, repl in SUFFIXES:
        if official.endswith(suffix) and len(official) > len(suffix):
            return official[: -len(suffix)] + repl
    return official


def name_forms(official: str) -> set[str]:
    """Every spelling accepted for a village: official, short, and the bare stem (红星)."""
    s = short_name(official)
    forms = {official, s}
    for tail in ("村", "社区"):
        if s.endswith(tail) and len(s) > len(tail) + 1:
            forms.add(s[: -len(tail)])
    return forms
