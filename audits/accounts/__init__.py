"""Sign-in hardening: the client's address, the second factor, API token revocation."""
