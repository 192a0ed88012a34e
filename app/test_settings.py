"""Settings for the test suite: production settings with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-this-key-is-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

from app.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
