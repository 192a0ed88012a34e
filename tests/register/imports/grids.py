"""Published grids made for tests: a PDF printed as forces print theirs (a ruled table under a
title, its header over two rows), from rows of text, by WeasyPrint."""

from collections.abc import Sequence
from html import escape
from pathlib import Path

from weasyprint import HTML

# The Met's 2025 edition: "Outcome - ..." rather than "Engagement Outcomes ...", and a time of
# deployment rather than its duration.
HEADERS_2025 = (
    "Deployment Location",
    "Date",
    "Time of Deployment",
    "LFR Use Case",
    "Watchlist Size",
    "Min Threshold Setting",
    "Total Alerts",
    "True Alerts Confirmed",
    "True Alerts Unconfirmed",
    "False Alerts Confirmed",
    "False Alerts Unconfirmed",
    "False Alert Rate",
    "Outcome - Arrest",
    "Outcome - Other Disposal",
    "Outcome - No Action",
    "Faces seen (Estimate)",
)
STYLE = """
@page { size: A4 landscape; margin: 1cm; }
body { font: 8pt sans-serif; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.75pt solid black; padding: 2pt; }
"""


def grid_pdf(
    path: Path,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    created: str = "",
) -> Path:
    """A PDF of one ruled table: `title` above it, the headers (a "/" in one splits it over two
    printed lines) and the rows; `created` (an ISO date) is its creation date."""
    head = "".join(f"<th>{escape(h).replace(' - ', ' -<br>')}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    html = (
        f"<html><head><title>{escape(title)}</title>"
        + (f'<meta name="dcterms.created" content="{created}">' if created else "")
        + f"<style>{STYLE}</style></head><body>"
        f"<p>{escape(title)}</p><table><tr>{head}</tr>{body}</table></body></html>"
    )
    HTML(string=html).write_pdf(path)
    return path
