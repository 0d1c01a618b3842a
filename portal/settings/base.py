"""Settings shared by every environment.

Everything that differs between a laptop and production comes from the
environment (django-environ). The defaults need no server at all: SQLite,
Wagtail's database search backend, the django-q2 ORM broker and console email.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "home",
    "people",
    "search",
    "news",
    "events",
    # Before wagtail.*: its serve hooks must wrap Wagtail's own restriction checks.
    "groups",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "discussions",
    "notifications",
    # django-comments-xtd must come before django_comments (its templates and models win).
    "django_comments_xtd",
    "django_comments",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection per worker kept between requests (opening one costs a few milliseconds on each).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: wait for each other instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/compte/connexion/"

# Throttle repeated failed logins per username and address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Single sign-on through the university's OpenID Connect provider, off unless configured.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("portal.oidc.PortalOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")

# Languages: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "static_collected")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible media; django-storages reads the other AWS_* variables itself.
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Portail du réseau <portail@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_ID = 1

# Wagtail
WAGTAIL_SITE_NAME = env("SITE_NAME", default="Réseau des plateformes")
WAGTAILADMIN_BASE_URL = env("BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# French titles make ASCII slugs ("Réunion d'équipe" → reunion-dequipe): URLs stay readable when copied.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "odt",
    "ods",
    "odp",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "md",
    "csv",
    "rtf",
    "html",
    "png",
    "jpg",
    "jpeg",
    "zip",
]
# The archive's document model (search app): extracted text, status, file versions.
WAGTAILDOCS_DOCUMENT_MODEL = "search.Document"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "search.forms.ArchiveDocumentForm"
# Documents are always served through Wagtail's view so privacy checks apply.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
UPLOAD_MAX_SIZE = env.int("UPLOAD_MAX_SIZE", default=50 * 1024 * 1024)
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_MAX_SIZE
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("IMAGE_MAX_SIZE", default=10 * 1024 * 1024)

# News (and every tagged content): ASCII tag slugs, so archive URLs read /etiquette/sequencage/.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Comments (discussions app): django-comments-xtd's threaded model, two reply levels.
# Comments are posted through discussions.views only (logged-in members, page visibility
# checked); django-comments-xtd's own views, API and feeds are deliberately not routed.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MAX_THREAD_LEVEL = 2
# Only logged-in members comment: nobody gets a confirmation mail.
COMMENTS_XTD_CONFIRM_EMAIL = False
# Follow-up mails will come from the notifications feature, not from django-comments-xtd.
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_DEFAULT_FOLLOWUP = False
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {"who_can_post": "users", "allow_flagging": True, "allow_feedback": False, "show_feedback": False}
}

# Notifications (notifications app): digests at this hour in Europe/Paris, weekly ones on this day
# (0 = Monday); mails from DEFAULT_FROM_EMAIL unless NOTIFICATIONS_FROM_EMAIL is set.
NOTIFICATIONS_DAILY_HOUR = env.int("NOTIFICATIONS_DAILY_HOUR", default=7)
NOTIFICATIONS_WEEKLY_DAY = env.int("NOTIFICATIONS_WEEKLY_DAY", default=0)
NOTIFICATIONS_FROM_EMAIL = env("NOTIFICATIONS_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)
NOTIFICATIONS_BASE_URL = env("NOTIFICATIONS_BASE_URL", default=WAGTAILADMIN_BASE_URL)
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = env.int("NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS", default=90) * 24 * 3600
NOTIFICATIONS_DIGEST_LOOKBACK_DAYS = 14
NOTIFICATIONS_UNREAD_COUNT_SECONDS = 60

# People directory (people app): members only unless switched off.
DIRECTORY_REQUIRES_LOGIN = env.bool("DIRECTORY_REQUIRES_LOGIN", default=True)

# Directory sync from the university's LDAP (django-auth-ldap), off unless LDAP_SERVER_URI is set.
# django-auth-ldap needs python-ldap, which builds against libldap: see docs/people.md.
LDAP_SERVER_URI = env("LDAP_SERVER_URI", default="")
if LDAP_SERVER_URI:
    from people.ldap_settings import ldap_settings

    vars().update(ldap_settings(env))
    AUTHENTICATION_BACKENDS.insert(1, "django_auth_ldap.backend.LDAPBackend")

# Search (search app): Wagtail's database backend unless SEARCH_URL names an engine, such as
# "elasticsearch9+https://user:pass@host:9200", "elasticsearch8+…" or "opensearch3+http://…".
from search.engines import search_backends  # noqa: E402  (no Django imports there)

WAGTAILSEARCH_BACKENDS = search_backends(
    env("SEARCH_URL", default=""),
    index_prefix=env("INDEX_PREFIX", default="portal_"),
    timeout=env.int("SEARCH_TIMEOUT", default=5),
)
# Text extraction from documents, in a child process of the django-q2 worker.
SEARCH_EXTRACTION_LIMITS = {
    "max_pages": env.int("EXTRACTION_MAX_PAGES", default=1000),
    "max_ocr_pages": env.int("EXTRACTION_MAX_OCR_PAGES", default=50),
    "max_uncompressed_bytes": env.int("EXTRACTION_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024),
    "max_chars": env.int("EXTRACTION_MAX_CHARS", default=5_000_000),
    "subprocess_timeout": env.int("EXTRACTION_TOOL_TIMEOUT", default=60),
}
SEARCH_EXTRACTION_TIMEOUT = env.int("EXTRACTION_TIMEOUT", default=180)
SEARCH_EXTRACTION_MEMORY_MB = env.int("EXTRACTION_MEMORY_MB", default=768)
SEARCH_MAX_QUERY_LENGTH = 200

# Wagtail's own background jobs (search index, reference index).
# They run on the django-q2 worker (search.tasks_backend), so a save never waits for the engine.
TASKS = {"default": {"BACKEND": "search.tasks_backend.DjangoQBackend"}}

# django-q2: the ORM broker by default, Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "portal",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=360),
    "max_attempts": 5,
    "catch_up": False,
    "label": _("Background tasks"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per background task drowns the progress of long commands.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": env("WAGTAIL_LOG_LEVEL", default="WARNING")},
        "django-q": {"level": env("Q_LOG_LEVEL", default="WARNING")},
        # The engine clients log every request at INFO: a reindex would print thousands of lines.
        "opensearch": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}
