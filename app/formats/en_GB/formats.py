"""Dates as people write them in the UK: "1 December 2026" on pages (Django's en-GB would print
"1 Dec 2026"). Input still takes DD/MM/YYYY and ISO YYYY-MM-DD (en-GB's input formats)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
