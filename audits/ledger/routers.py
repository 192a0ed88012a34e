"""Send the ORM's reads of the audited tables to a register rebuilt from the ledger, while
`audits.ledger.rebuild.reading_from()` says so (a report computed as of an earlier event)."""

from typing import Any

from django.db import models

from audits.ledger import capture
from audits.ledger.rebuild import READING_FROM


class AsOfRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        alias = READING_FROM.get()
        if alias is None or model._meta.db_table not in capture.AUDITED:
            return None
        return alias

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return None
