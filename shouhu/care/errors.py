"""The codes of care's service errors that a client needs to tell apart (the rest use the shared
`core.errors.ErrorCode`). The code's text is what the API answers in `code`."""
from enum import StrEnum


class CareErrorCode(StrEnum):
    NOT_IN_REACH = "not_in_reach"  # a region, school or helper outside what the actor manages
    ALREADY_PAIRED = "already_paired"
    NOT_PAIRED = "not_paired"  # a visit recorded for a helper not paired with the child that day
    WRONG_ROLE = "wrong_role"  # a visit recorded under a role the actor does not hold for this child
    BAD_PHOTO = "bad_photo"
    NOTHING_SEEN = "nothing_seen"  # a visit with nothing written about what was seen
    FUTURE_DATE = "future_date"
    KEY_REUSED = "key_reused"  # a form's idempotency key sent again for another child
    WISH_NOT_OPEN = "wish_not_open"
    WISH_NOT_CLAIMED = "wish_not_claimed"
    WISH_FULFILLED = "wish_fulfilled"
