"""Publications: the documents forces published, and each record's row in them.

A deployment imported from a force's published table keeps where it came from and what the
table said: the document (its printed title, its creation date, its SHA-256), the page and row,
the text of every cell beside the value read from it, and the defects the table showed when it
was imported. A later edition of the same publication (the same printed title) revises the
records it matches; each edition keeps its own rows.
"""

from typing import ClassVar

from django.db import models
from django.utils import timezone

from audits.register.models.base import RegisterModel
from audits.register.models.deployments import Deployment
from audits.register.models.forces import Force
from audits.scoped import ForceOwned, Scoping


class Publication(RegisterModel):
    """One document a force published, as imported: one edition of its series."""

    scoping: ClassVar[Scoping] = ForceOwned("force")

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="publications")
    series = models.CharField(
        max_length=200,
        help_text="The title printed on the document; its editions share it.",
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="The SHA-256 of the file, as hex.")
    created = models.DateTimeField(
        null=True, blank=True, help_text="The document's own creation date (a PDF's)."
    )
    layout = models.CharField(max_length=60, help_text="The layout its columns were read in.")
    pages = models.PositiveIntegerField(null=True, blank=True)
    rate_of = models.CharField(
        max_length=10,
        default="faces",
        help_text="What its printed false alert rate is a share of: faces (seen) or alerts.",
    )
    imported_at = models.DateTimeField(default=timezone.now)
    table_flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Defects of the table as a whole: [{check, message}].",
    )

    class Meta:
        db_table = "audits_publication"
        ordering = ["force", "series", "imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["force", "sha256"], name="publication_unique_file")
        ]

    def __str__(self) -> str:
        when = f", {self.created:%Y-%m-%d}" if self.created else ""
        return f"{self.series} ({self.file_name}{when})"


class PublishedRow(RegisterModel):
    """A record's row in one edition of a publication, as printed."""

    scoping: ClassVar[Scoping] = ForceOwned("deployment__force")

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="rows")
    deployment = models.ForeignKey(
        Deployment, on_delete=models.PROTECT, related_name="published_rows"
    )
    page = models.PositiveIntegerField(null=True, blank=True, help_text="Its page, from 1.")
    row = models.PositiveIntegerField(
        help_text="Its row: on its page in a PDF, as a spreadsheet numbers it in a file."
    )
    natural_key = models.CharField(
        max_length=300,
        help_text="Force, date and place as published, and which of that day's rows there.",
    )
    cells = models.JSONField(help_text="Each field's cell, as printed.")
    qualifiers = models.JSONField(
        default=dict, blank=True, help_text='Approximations as printed: {field: "just over"}.'
    )
    date_until = models.DateField(
        null=True, blank=True, help_text="The last day of a row covering several days."
    )
    flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Defects the table showed in this row when imported: [{check, message}].",
    )

    class Meta:
        db_table = "audits_publishedrow"
        ordering = ["publication", "page", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "deployment"], name="publishedrow_one_per_edition"
            )
        ]

    def __str__(self) -> str:
        where = f"page {self.page}, row {self.row}" if self.page else f"row {self.row}"
        return f"{self.publication.series}, {where}"
