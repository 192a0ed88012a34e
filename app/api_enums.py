"""Choice sets that share a field name across models, named once for the OpenAPI schema
(SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] points here)."""

from audits.compliance.models import Finding
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.models import AlertKind, Deployment, Outcome, Rank, Search
from audits.register.models.base import Mode, Status

ALERT_KIND = AlertKind
DEPLOYMENT_KIND = Deployment.Kind
OUTCOME_KIND = Outcome.Kind
RANK = Rank
MODE = Mode
SEARCH_MODE = Search.Mode
SEARCH_OUTCOME = Search.Outcome
REVIEW_DECISION = Search.ReviewDecision
STATUS = Status
FINDING_STATE = Finding.State
COMMISSIONER_REVIEW_STATE = CommissionerReview.State
REVIEW_MESSAGE_KIND = ReviewMessage.Kind
