"""The audited models as they stood when exact capture began (migrations 0003 and 0004 use
them; the apps' ready() names the audited models in code, and a model made audited later needs
a migration of its own for its baseline and triggers)."""

AUDITED = [
    ("register", "Force"),
    ("register", "Membership"),
    ("register", "System"),
    ("register", "UseCase"),
    ("register", "WatchlistCategory"),
    ("register", "OffenceType"),
    ("register", "Outcome"),
    ("register", "Authorisation"),
    ("register", "Watchlist"),
    ("register", "WatchlistCategoryCount"),
    ("register", "Deployment"),
    ("register", "FacesSeenRevision"),
    ("register", "DeviceSession"),
    ("register", "Alert"),
    ("register", "Search"),
    ("register", "PostDeploymentReview"),
    ("register", "Amendment"),
    ("compliance", "PolicyProfile"),
    ("compliance", "Rule"),
    ("oversight", "CommissionerReview"),
    ("oversight", "ReviewMessage"),
]
# Their tables (every table keeps the name it had in the audits app).
TABLES = [f"audits_{name.lower()}" for _, name in AUDITED]
