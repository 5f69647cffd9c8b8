"""Care work (关爱帮扶, docs/domain.md, "Care work"). The models live in the subpackages (helpers, visits, wishes,
counselling, activities, campaigns, dues); Django loads this module, and other apps import care's
models from here."""
from .activities.models import Activity, Participation
from .campaigns.models import Campaign, CampaignCell, CampaignMark
from .counselling.models import CounsellingSession
from .dues.models import CareSetting, CareStatus, VisitDue, VisitRule
from .helpers.models import Helper, Pairing, PairingQuerySet, ServiceRecord, Training
from .visits.models import FamilyContact, Visit, VisitPhoto
from .wishes.models import Wish

__all__ = [
    "Activity", "Campaign", "CampaignCell", "CampaignMark", "CareSetting", "CareStatus", "CounsellingSession", "FamilyContact", "Helper",
    "Pairing", "PairingQuerySet", "Participation", "ServiceRecord", "Training", "Visit", "VisitDue", "VisitPhoto", "VisitRule", "Wish",
]
