from audits.models.alerts import (
    Alert,
    AlertKind,
    PerceivedAgeBand,
    PerceivedEthnicGroup,
    PerceivedSex,
)
from audits.models.amendments import Amendment
from audits.models.authorisations import Authorisation
from audits.models.base import Mode, Origin, Status
from audits.models.commissioner import CommissionerReview, ReviewMessage
from audits.models.compliance import SEVERITY_ORDER, Finding, PolicyProfile, Rule, Severity
from audits.models.deployments import Deployment, DeviceSession, FacesSeenRevision
from audits.models.forces import Force, Membership, Rank, System
from audits.models.ledger import LedgerAction, LedgerError, LedgerEvent
from audits.models.reference import OffenceType, Outcome, UseCase, WatchlistCategory
from audits.models.reviews import PostDeploymentReview
from audits.models.searches import Search
from audits.models.watchlists import Watchlist, WatchlistCategoryCount

__all__ = [
    "SEVERITY_ORDER",
    "Alert",
    "AlertKind",
    "Amendment",
    "Authorisation",
    "CommissionerReview",
    "Deployment",
    "DeviceSession",
    "FacesSeenRevision",
    "Finding",
    "Force",
    "LedgerAction",
    "LedgerError",
    "LedgerEvent",
    "Membership",
    "Mode",
    "OffenceType",
    "Origin",
    "Outcome",
    "PerceivedAgeBand",
    "PerceivedEthnicGroup",
    "PerceivedSex",
    "PolicyProfile",
    "PostDeploymentReview",
    "Rank",
    "ReviewMessage",
    "Rule",
    "Search",
    "Severity",
    "Status",
    "System",
    "UseCase",
    "Watchlist",
    "WatchlistCategory",
    "WatchlistCategoryCount",
]
