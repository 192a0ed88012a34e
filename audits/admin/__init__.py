from collections.abc import Callable

from django.contrib import admin
from django.urls import URLPattern, URLResolver

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
# Our own name: django.contrib.admin comes first in INSTALLED_APPS, so its admin/index.html
# would shadow an override of the same name.
admin.site.index_template = "admin/audits/index.html"


def _two_factor_urls(
    original: Callable[[], list[URLPattern | URLResolver]] = admin.site.get_urls,
) -> Callable[[], list[URLPattern | URLResolver]]:
    """The admin site's own URLs plus its two-factor pages, so they share its namespace, login
    requirement and look (django-otp ships no pages of its own)."""
    from django.urls import path

    from audits.security import views

    def get_urls() -> list[URLPattern | URLResolver]:
        return [
            path("two-factor/", admin.site.admin_view(views.enrol), name="two_factor_enrol"),
            path(
                "two-factor/verify/",
                admin.site.admin_view(views.verify),
                name="two_factor_verify",
            ),
            *original(),
        ]

    return get_urls


# Extends the default site in place: a site class of our own would need an admin AppConfig of
# its own in INSTALLED_APPS for the same two pages.
admin.site.get_urls = _two_factor_urls()  # type: ignore[method-assign]
