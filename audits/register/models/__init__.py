from audits.register.models.alerts import (
    Alert,
    AlertKind,
    PerceivedAgeBand,
    PerceivedEthnicGroup,
    PerceivedSex,
)
from audits.register.models.amendments import Amendment
from audits.register.models.authorisations import Authorisation
from audits.register.models.base import Mode, Origin, Status
from audits.register.models.deployments import Deployment, DeviceSession, FacesSeenRevision
from audits.register.models.forces import Force, Membership, Rank, System
from audits.register.models.publications import Publication, PublishedRow
from audits.register.models.reference import OffenceType, Outcome, UseCase, WatchlistCategory
from audits.register.models.reviews import PostDeploymentReview
from audits.register.models.searches import Search
from audits.register.models.watchlists import Watchlist, WatchlistCategoryCount

__all__ = [
    "Alert",
    "AlertKind",
    "Amendment",
    "Authorisation",
    "Deployment",
    "DeviceSession",
    "FacesSeenRevision",
    "Force",
    "Membership",
    "Mode",
    "OffenceType",
    "Origin",
    "Outcome",
    "PerceivedAgeBand",
    "PerceivedEthnicGroup",
    "PerceivedSex",
    "PostDeploymentReview",
    "Publication",
    "PublishedRow",
    "Rank",
    "Search",
    "Status",
    "System",
    "UseCase",
    "Watchlist",
    "WatchlistCategory",
    "WatchlistCategoryCount",
]
