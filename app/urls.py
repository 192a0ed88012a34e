from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

# Swagger UI sets inline styles as it draws the page. Only there, and only for styles: its
# scripts stay under the site's strict policy. (ReDoc is not served: it always loads its logo
# from its makers' site, which the policy refuses.)
docs_styles = csp_replace({"style-src": [SELF, UNSAFE_INLINE]})

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("transparency/", include("audits.reporting.public.urls")),
    path("api/v1/", include("app.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, which the CSP allows.
    path(
        "api/docs/",
        docs_styles(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
]

# Under /api/, even a URL no view matched answers in the API's error shape.
handler400 = "audits.register.api.errors.bad_request"
handler403 = "audits.register.api.errors.permission_denied"
handler404 = "audits.register.api.errors.not_found"
handler500 = "audits.register.api.errors.server_error"
