"""The two-factor pages, on the admin site (django-otp ships no pages of its own)."""

from django.contrib import admin
from django.urls import URLPattern, path

from audits.accounts import views
from audits.register.admin.site import site_urls_add


def _two_factor_urls(site: admin.AdminSite) -> list[URLPattern]:
    return [
        path("two-factor/", site.admin_view(views.enrol), name="two_factor_enrol"),
        path("two-factor/verify/", site.admin_view(views.verify), name="two_factor_verify"),
    ]


site_urls_add(_two_factor_urls)
