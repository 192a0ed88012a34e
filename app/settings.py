"""Project settings, all read from the environment (see README, "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from app.env import env_bool, env_int, env_list, env_required

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_required("SECRET_KEY") if not DEBUG else "insecure-development-key-do-not-use"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated)")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Ours, by capability, lowest layer first (the README's layout section; `make lint` checks
    # that each imports only the layers below it).
    "audits",
    "audits.ledger",
    "audits.register",
    "audits.compliance",
    "audits.oversight",
    "audits.reporting",
    "audits.accounts",
    "audits.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audits.accounts.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audits.accounts.middleware.PermissionDeniedLedgerMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: 5 failures for one username from one address lock it out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The address is REMOTE_ADDR, or behind one of TRUSTED_PROXIES the address it forwarded for:
# X-Forwarded-For from anyone else is ignored, so a stranger can neither dodge the count by
# sending a new one nor lock out everyone who shares the proxy's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "audits.accounts.client_address.client_address"

# A second factor (django-otp: an authenticator app, plus single-use recovery codes) for every
# account whenever DEBUG is off; the demo offers it without forcing it. No switch turns it off.
MFA_REQUIRED = not DEBUG
OTP_TOTP_ISSUER = "FRT oversight register"

ROOT_URLCONF = "app.urls"
WSGI_APPLICATION = "app.wsgi.application"
ASGI_APPLICATION = "app.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's own overrides of the admin's templates (admin/base_site.html): searched
        # before the apps', where django.contrib.admin's own would win.
        "DIRS": [BASE_DIR / "app" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dj_database_url.DBConfig:
    default_url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    url = __import__("os").environ.get("DATABASE_URL", default_url)
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 0))
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        VAR_DIR.mkdir(exist_ok=True)
        # IMMEDIATE takes the write lock at BEGIN, so two writers cannot both read the same
        # ledger head and fork the chain.
        config.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
        config["OPTIONS"]["timeout"] = 30
    return config


DATABASES = {"default": _database()}
# Silent unless a report is computed as of an earlier event (frt_report --as-of): then the
# audited tables are read from the register rebuilt from the ledger (audits/ledger/rebuild.py).
DATABASE_ROUTERS = ["audits.ledger.routers.AsOfRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["app.formats"]  # dates as "1 December 2026" (app/formats/en_GB)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOGIN_URL = "admin:login"

# Production hardening; `manage.py check --deploy` passes with the environment in the README.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    # Token first, so that an anonymous request is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "audits.accounts.mfa.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: one typed request format, so bad input is caught by one set of rules.
    # Bounded: the body's size and nesting are checked before json.loads
    # (audits/register/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["audits.register.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "audits.register.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "audits.register.api.errors.exception_handler",
    # Obtaining a token is the one anonymous write; django-axes also locks out repeated failures.
    "DEFAULT_THROTTLE_RATES": {"token": "30/minute"},
    "NUM_PROXIES": 0,  # never trust X-Forwarded-For in DRF: see audits.accounts.client_address
    # `format` is a report parameter (json, csv, xlsx, pdf, html), not a renderer override.
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API tokens: only a hash is stored; each expires, and a password change revokes them all.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 10)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Scripts and styles only from our own files (or an inline block carrying this response's nonce).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# No page of the register needs any of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Facial recognition oversight register API",
    "DESCRIPTION": (
        "Every record of the register, scoped to the caller's force, with the same roles and "
        "lifecycle as the admin. Errors always have the shape "
        '{"error": {"status", "code", "message", "fields": [{"field", "message"}]}}.'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema describes the API, not its data: anyone may read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Separate request and response components: inputs and outputs differ per endpoint.
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the application's own static files: the machines have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        name: f"app.api_enums.{constant}"
        for name, constant in [
            ("AlertKindEnum", "ALERT_KIND"),
            ("DeploymentKindEnum", "DEPLOYMENT_KIND"),
            ("OutcomeKindEnum", "OUTCOME_KIND"),
            ("RankEnum", "RANK"),
            ("ModeEnum", "MODE"),
            ("SearchModeEnum", "SEARCH_MODE"),
            ("SearchOutcomeEnum", "SEARCH_OUTCOME"),
            ("ReviewDecisionEnum", "REVIEW_DECISION"),
            ("StatusEnum", "STATUS"),
            ("FindingStateEnum", "FINDING_STATE"),
            ("CommissionerReviewStateEnum", "COMMISSIONER_REVIEW_STATE"),
            ("ReviewMessageKindEnum", "REVIEW_MESSAGE_KIND"),
        ]
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "audits.register.api.schema.add_error_responses",
    ],
}

# Email: each step that hands work to someone else tells them (audits/register/notify.py).
# The demo (DEBUG) prints the emails on the console; production sends them by SMTP with the
# settings below; the tests keep them in django.core.mail.outbox (Django's locmem backend).
# NOTIFY_BY_EMAIL=0 turns the emails off.
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL", True)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Oversight register <register@localhost>")
# The address the links in the emails start with.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
