"""Cursor pagination: stable under inserts, and as fast on page 1,000 as on page 1."""

from rest_framework.pagination import CursorPagination


class RecordCursorPagination(CursorPagination):
    # The primary key never changes and is unique, so no row is skipped or repeated between pages.
    ordering = "-pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class LedgerCursorPagination(RecordCursorPagination):
    ordering = "seq"  # the ledger reads in chain order
