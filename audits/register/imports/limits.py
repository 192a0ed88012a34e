"""The limits every reader checks before it allocates: one place, so that a reader added later
inherits them and the README's table can be checked against the code.

A refusal names the limit and the value found. The numbers leave room above the largest real
files (a force's grid is a few hundred rows; a batch file at most MAX_ROWS records of a dozen
columns) and stay far below what a 256 MB worker can hold.
"""

UPLOAD_BYTES = 20 * 2**20  # one uploaded or imported file, as stored on disk
ROWS = 100_000  # records in one table, under its header row
COLUMNS = 200  # columns of one table
CELL_CHARS = 10_000  # characters in one cell
# An XLSX is a zip: each member and the whole are checked, from the zip directory, before any of
# it is inflated. zipfile stops a member at its declared size (a larger one fails its CRC), so
# the directory cannot understate what a read inflates.
XLSX_MEMBER_BYTES = 64 * 2**20
XLSX_TOTAL_BYTES = 128 * 2**20
JSON_DEPTH = 32  # nesting of arrays and objects in an API request body
# An API request body: a batch of MAX_BATCH_ITEMS (services/batches.py) items of about 1 KiB,
# with room.
JSON_BYTES = 32 * 2**20
# A PDF (imports/pdf_limits.py): each page is checked before it is read, its contents inflated
# with a bound. The Met's grids: 10 pages, at most 282 KB, 2,300 rectangles, 3,000 characters.
PDF_PAGES = 2_000
PDF_PAGE_CONTENT_BYTES = 2 * 2**20
PDF_PAGE_PATHS = 25_000
PDF_PAGE_GLYPHS = 50_000
# In all, a form counted each time it is drawn (the Met's 2023-to-date grid: 24,000 and 21,000).
PDF_DOCUMENT_PATHS = 100_000
PDF_DOCUMENT_GLYPHS = 200_000
TEXT_CHARS = 10_000  # a free-text field of a record: a note, a reason, a message
