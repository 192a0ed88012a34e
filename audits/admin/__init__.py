from django.contrib import admin

from audits.admin import (  # noqa: F401  (importing registers the admin classes)
    alerts,
    authorisations,
    commissioner,
    compliance,
    deployments,
    forces,
    ledger,
    reviews,
    searches,
    watchlists,
)

admin.site.site_header = "Facial recognition oversight register"
admin.site.site_title = "FRT oversight"
admin.site.index_title = "Records, reviews and the ledger"
