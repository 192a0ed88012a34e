"""The ledger in the admin: read-only, browsable by object and by actor over a period, exportable
as CSV with the head hash so that the export can be anchored outside the database."""

from __future__ import annotations  # names only the stubs define (_ListFilterChoices)

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from audits.ledger import capture, reconcile
from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction, LedgerEvent
from audits.register.admin.base import ScopedMixin
from audits.register.models import Amendment

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ReadOnlyAdmin(ScopedMixin, admin.ModelAdmin):
    """History: nobody changes it here, and each reads only the rows scope() gives them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def utc_iso(day: date) -> str:
    """Local midnight starting `day`, written as occurred_at is (UTC ISO text sorts by time)."""
    midnight = timezone.make_aware(datetime.combine(day, time.min))
    return midnight.astimezone(UTC).isoformat(timespec="microseconds")


class OccurredAtFilter(admin.DateFieldListFilter):
    """Django's date links (today, past 7 days, this month, this year) and any
    ?occurred_at__gte=YYYY-MM-DD&occurred_at__lt=YYYY-MM-DD period, in local days, over the
    ISO text column."""

    def queryset(
        self, request: HttpRequest, queryset: models.QuerySet[LedgerEvent]
    ) -> models.QuerySet[LedgerEvent]:
        bounds = {}
        for lookup in (self.lookup_kwarg_since, self.lookup_kwarg_until):
            if value := self.date_params.get(lookup):
                try:
                    bounds[lookup] = utc_iso(date.fromisoformat(value[:10]))
                except ValueError as error:
                    raise IncorrectLookupParameters(error) from error
        return queryset.filter(**bounds)


class ValuesFilter(admin.AllValuesFieldListFilter):
    """Every stored value, with the blank one named: system events have no actor or force."""

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice["display"] = "(none)"
            yield choice


def csv_safe(value: Any) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Lines:
    """A file-like object whose write() hands the CSV line back, for streaming."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[tuple], head: LedgerEvent) -> Iterator[str]:
    """A header, one line per event (COLUMNS order), and a trailer with the ledger head."""
    writer = csv.writer(_Lines())
    yield writer.writerow(ledger.COLUMNS)
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])
    trailer = dict.fromkeys(ledger.COLUMNS, "")
    trailer.update(
        seq="head",
        occurred_at=head.occurred_at,
        reason=f"Ledger head at export: event {head.seq}",
        hash=head.hash,
    )
    yield writer.writerow(trailer.values())


def _pretty(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


# Row entries listed on an event's page (a batch has thousands).
ROWS_SHOWN = 200


def _state_url(table: str, key: Any, seq: int) -> str:
    return reverse("admin:ledger_ledgerevent_state", args=[table, key, seq])


def _is_diff(changes: Any) -> bool:
    return (
        isinstance(changes, dict)
        and bool(changes)
        and all(isinstance(pair, list) and len(pair) == 2 for pair in changes.values())
    )


@admin.register(LedgerEvent)
class LedgerEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor", "force", "action", "object_link", "reason"]
    list_filter = [
        ("occurred_at", OccurredAtFilter),
        "action",
        ("force", ValuesFilter),
        ("actor", ValuesFilter),
        ("object_type", ValuesFilter),
    ]
    search_fields = ["=object_id", "=actor", "reason", "=hash"]
    ordering = ["-seq"]
    list_per_page = 100
    # Counting facets or the unfiltered total would scan the whole ledger on every page.
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    actions = ["export_csv"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "seq",
                    "occurred_at",
                    "actor",
                    "force",
                    "action",
                    "object_type",
                    "object_id",
                    "events_for_object",
                    "reason",
                ]
            },
        ),
        ("Change", {"fields": ["changes_table"]}),
        ("Rows written", {"fields": ["rows_table"]}),
        (
            "Chain",
            {"fields": ["format", "changes", "rows", "prev_hash", "hash"], "classes": ["collapse"]},
        ),
    ]
    readonly_fields = ["events_for_object", "changes_table", "rows_table"]

    def get_urls(self) -> list[URLPattern]:
        state = path(
            "state/<str:table>/<int:key>/<int:seq>/",
            self.admin_site.admin_view(self.state_view),
            name="ledger_ledgerevent_state",
        )
        return [state, *super().get_urls()]

    @admin.display(description="rows")
    def rows_table(self, event: LedgerEvent) -> str:
        entries = json.loads(event.rows or "[]")
        if not entries:
            return "None (format 1 events record no rows)" if event.format == 1 else "None"
        shown = entries[:ROWS_SHOWN]
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">State after this event'
            "</a></td></tr>",
            (
                (e["table"], e["id"], e["op"], _state_url(e["table"], e["id"], event.seq))
                for e in shown
            ),
        )
        more = (
            f"{len(entries) - ROWS_SHOWN:,} more rows not shown."
            if len(entries) > ROWS_SHOWN
            else ""
        )
        return format_html(
            "<table><thead><tr><th scope='col'>table</th><th scope='col'>id</th>"
            "<th scope='col'>write</th><th scope='col'>row</th></tr></thead><tbody>{}</tbody>"
            "</table><p>{}</p>",
            rows,
            more,
        )

    def state_view(self, request: HttpRequest, table: str, key: int, seq: int) -> HttpResponse:
        """A row as it stood after event `seq`, rebuilt from its row entries, beside the row as
        stored now; and every event of its history, each a link to the state after it."""
        if not self.has_view_permission(request) or table not in capture.AUDITED:
            raise PermissionDenied
        model = capture.AUDITED[table]
        history = reconcile.row_history(table, key)
        state = reconcile.state_at(history, seq)
        stored = next(iter(reconcile.stored_rows(model, "default", [key])), None)
        now = stored[2] if stored else None
        columns = sorted(set(state or {}) | set(now or {}))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{model._meta.verbose_name} {key} after event {seq}",
            "table": table,
            "key": key,
            "seq": seq,
            "exists": state is not None,
            "columns": [
                {
                    "name": column,
                    "value": _pretty((state or {}).get(column, (None, None))[0]),
                    "set_by": (state or {}).get(column, (None, None))[1],
                    "now": _pretty((now or {}).get(column)) if now is not None else "",
                    "differs": now is not None
                    and state is not None
                    and (state.get(column, (None, None))[0] != now.get(column)),
                }
                for column in columns
            ],
            "stored": now is not None,
            "history": [
                {
                    "seq": at,
                    "op": written["op"],
                    "url": _state_url(table, key, at),
                    "current": at == seq,
                }
                for at, written in history
            ],
            "proven_since": history[0] if history else None,
        }
        return TemplateResponse(request, "admin/ledger/row_state.html", context)

    @staticmethod
    def _object_query(event: LedgerEvent) -> str:
        return urlencode({"object_type": event.object_type, "object_id": event.object_id})

    @admin.display(description="object", ordering="object_type")
    def object_link(self, event: LedgerEvent) -> str:
        if not event.object_type:
            return ""
        label = f"{event.object_type} {event.object_id}".strip()
        return format_html('<a href="?{}">{}</a>', self._object_query(event), label)

    @admin.display(description="history")
    def events_for_object(self, event: LedgerEvent) -> str:
        if not event.object_type:
            return ""
        url = f"{reverse('admin:ledger_ledgerevent_changelist')}?{self._object_query(event)}"
        return format_html('<a href="{}">Every event for this object</a>', url)

    @admin.display(description="before and after")
    def changes_table(self, event: LedgerEvent) -> str:
        try:
            changes = json.loads(event.changes)
        except ValueError:
            return format_html("<pre>{}</pre>", event.changes)
        if not _is_diff(changes):
            return format_html("<pre>{}</pre>", _pretty(changes))
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>",
            ((name, _pretty(before), _pretty(after)) for name, (before, after) in changes.items()),
        )
        return format_html(
            "<table><thead><tr><th>field</th><th>before</th><th>after</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    @admin.action(description="Export selected events as CSV, with the ledger head hash")
    def export_csv(
        self, request: HttpRequest, queryset: models.QuerySet[LedgerEvent]
    ) -> StreamingHttpResponse:
        """Choose "select all" to export every event the current filters show. The export is
        itself a ledger event, and its hash is the head printed in the file."""
        export = ledger.append(
            action=LedgerAction.EXPORT,
            actor=request.user.get_username(),
            object_type="ledgerevent",
            changes={"filters": {key: request.GET.getlist(key) for key in request.GET}},
        )
        rows = (
            queryset.filter(seq__lte=export.seq)
            .order_by("seq")
            .values_list(*ledger.COLUMNS)
            .iterator(chunk_size=2000)
        )
        response = StreamingHttpResponse(csv_lines(rows, export), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="ledger-to-{export.seq}.csv"'
        return response


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["amended_at", "content_type", "object_id", "field", "old_value", "new_value"]
    list_filter = ["content_type"]
    list_select_related = ["content_type"]
    search_fields = ["reason", "field"]
