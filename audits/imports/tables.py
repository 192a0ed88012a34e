"""Reading an uploaded table (CSV or XLSX) as text, for every import.

Every cell comes back as the text a person sees, header included, so that nothing is coerced on
the way in: each import parses its own columns and reports what it cannot read.
"""

import zipfile
from pathlib import Path

import pandas as pd

SUFFIXES = (".csv", ".xlsx")


class UnreadableFile(Exception):
    pass


def read_table(path: Path) -> list[list[str]]:
    """Every cell of a .csv (UTF-8, BOM tolerated) or of the first sheet of an .xlsx, as text."""
    suffix = path.suffix.lower()
    options = {"header": None, "dtype": str, "keep_default_na": False}
    try:
        if suffix == ".csv":
            # skip_blank_lines=False keeps blank lines, so row numbers match what a person sees.
            frame = pd.read_csv(path, encoding="utf-8-sig", skip_blank_lines=False, **options)
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name=0, engine="openpyxl", **options)
        else:
            raise UnreadableFile(f"{path.name}: expected a .csv or .xlsx file, not {suffix!r}")
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        # ValueError covers pandas' empty-file and tokenizer errors and bad UTF-8.
        raise UnreadableFile(f"{path.name} cannot be read: {exc}") from exc
    return [[_cell_text(value) for value in row] for row in frame.itertuples(index=False)]


def _cell_text(value: object) -> str:
    # Short CSV rows and empty spreadsheet cells can still come back as NaN despite dtype=str.
    return "" if value is None or pd.isna(value) else str(value)
