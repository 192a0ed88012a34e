from django.contrib import admin

from audits.register.admin import (  # noqa: F401  (importing registers the admin classes)
    alerts,
    authorisations,
    deployments,
    forces,
    ledger,
    reviews,
    searches,
    site,
    watchlists,
)

admin.site.site_header = "Facial recognition oversight register"
admin.site.site_title = "FRT oversight"
admin.site.index_title = "Records, reviews and the ledger"
# Our own name: django.contrib.admin comes first in INSTALLED_APPS, so its admin/index.html
# would shadow an override of the same name.
admin.site.index_template = "admin/audits/index.html"
