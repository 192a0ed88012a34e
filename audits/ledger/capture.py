"""Complete capture: every write to an audited table is a row entry in the ledger.

An app names its audited models (`audit()`, from its AppConfig.ready); from then on every save,
delete (cascades included: Django sends the signals for each row it deletes) and change of a
many-to-many set of those models is captured as an entry from which the row's stored state is
rebuilt exactly (docs/ledger-format.md, 3.4), bulk inserts and deletes call `inserted_rows()`
and `deleted()` themselves, and QuerySet.update (and so bulk_update), which sends no signal, is
captured by the audited models' own QuerySet (`AuditedQuerySet`, which `audit()` insists on).
A service that opens `services.recording()` gets its writes into its own event; any other write
gets an event of its own at once. What the application does not see (raw SQL, COPY without
`inserted_rows()`) is what reconciliation (audits/ledger/reconcile.py) is for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from audits.ledger import services
from audits.ledger.encoding import field_value, field_writer
from audits.ledger.models import LedgerError

_M = TypeVar("_M", bound=models.Model)
# db_table -> model, for every audited model.
AUDITED: dict[str, type[models.Model]] = {}
# Models whose rows are derived from the records (findings), so never captured nor compared.
DERIVED: set[type[models.Model]] = set()


class AuditedQuerySet(models.QuerySet[_M, _M]):
    """The QuerySet of every audited model. Django's QuerySet.update writes with one UPDATE and
    sends no signal, so here it locks the rows it matches, updates exactly those, and captures
    an update entry for each with the columns it set, as they were stored (an F() expression or
    a Case included), in the same transaction."""

    def update(self, **kwargs: Any) -> int:
        if self.query.is_sliced:
            raise TypeError("Cannot update a query once a slice has been taken.")
        fields = [self.model._meta.get_field(name) for name in kwargs]
        concrete = [f for f in fields if isinstance(f, models.Field)]  # update() allows no other
        with transaction.atomic(using=self.db):
            matched = self.select_for_update().order_by("pk").values_list("pk", flat=True)
            keys = list(matched)
            plain: models.QuerySet[_M, _M] = models.QuerySet(model=self.model, using=self.db)
            count = 0
            for start in range(0, len(keys), 2000):  # within any database's limit on parameters
                chunk = plain.filter(pk__in=keys[start : start + 2000])
                count += chunk.update(**kwargs)
                services.capture(
                    [entry(row, "update", concrete) for row in chunk.order_by("pk")],
                    using=self.db,
                )
        return count


def audit(*audited: type[models.Model]) -> None:
    for model in audited:
        if not issubclass(
            getattr(model._default_manager, "_queryset_class", object), AuditedQuerySet
        ):
            # fail closed: an audited model whose QuerySet.update went unrecorded
            raise ImproperlyConfigured(
                f"{model._meta.label} is audited, so its default manager must be built on "
                "audits.ledger.capture.AuditedQuerySet (AuditedQuerySet.as_manager())."
            )
        AUDITED[model._meta.db_table] = model
        uid = f"ledger.capture.{model._meta.label}"
        pre_save.connect(_in_a_transaction, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=uid)


def audit_links(through: type[models.Model]) -> None:
    """Audit a many-to-many table of rows that are not audited themselves (a user's roles:
    `auth_user_groups`, whose users hold password hashes that the ledger must not): each link
    row is a row of its own, inserted and deleted with its id."""
    AUDITED[through._meta.db_table] = through
    uid = f"ledger.capture.links.{through._meta.label}"
    m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid)


def _links_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    using: str,
    **kwargs: Any,
) -> None:
    """Before a removal, the link rows that go; after an addition, the rows that came."""
    if action not in ("post_add", "pre_remove", "pre_clear"):
        return
    fields = [f for f in sender._meta.concrete_fields if f.is_relation]
    # which side the change was made from: user.groups.add(...) or group.user_set.add(...)
    mine, theirs = fields if fields[0].related_model is type(instance) else fields[::-1]
    links = sender._default_manager.using(using).filter(**{mine.attname: instance.pk})
    if action != "pre_clear":
        links = links.filter(**{f"{theirs.attname}__in": pk_set or ()})
    op = "insert" if action == "post_add" else "delete"
    rows = [entry(link, op) for link in links.order_by("pk")]
    if rows:
        services.capture(rows, using=using)


def derived(*models_: type[models.Model]) -> None:
    DERIVED.update(models_)


def stored_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A field's value in the ledger's form, as the database will hand it back: a value set as
    text ("2025-01-10") is read as its field reads it, and a naive time as the database's zone
    would (Django's own rule when it stores one)."""
    if value is not None and not field.is_relation and not isinstance(field, models.JSONField):
        value = field.to_python(value)
        if isinstance(value, datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value)
    return field_value(field, value)


def many_values(instance: models.Model, field: models.ManyToManyField[Any, Any]) -> list[Any]:
    """A many-to-many set as the ledger writes it: the ids, in order."""
    return sorted(getattr(instance, field.name).values_list("pk", flat=True))


def entry(
    instance: models.Model, op: str, fields: Iterable[models.Field[Any, Any]] | None = None
) -> dict[str, Any]:
    """One row write: {table, id, op, values} (values: every column written, by column name;
    a many-to-many set by its field's name)."""
    written: dict[str, Any] = {"table": instance._meta.db_table, "id": instance.pk, "op": op}
    if op != "delete":
        chosen = instance._meta.concrete_fields if fields is None else fields
        written["values"] = {
            field.column: stored_value(field, getattr(instance, field.attname))
            for field in chosen
            if not field.primary_key
        }
    return written


def inserted_rows(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    ids: list[Any],
    rows: list[tuple[Any, ...]],
    *,
    using: str = "default",
) -> None:
    """Rows inserted in bulk as tuples of `fields`' values, with their ids: one entry each. The
    values are typed already (the batch readers typed them), so no field reads them again."""
    table = model._meta.db_table
    columns = [f.column for f in fields]
    # A batch is 250,000 values, most of them text, integers, booleans or None in fields that
    # hold nothing else: those are copied as they are (canonical_rows refuses any other type
    # found there), and only the other fields' values are written by their writers.
    typed = [(f.column, _batch_writer(f)) for f in fields if not isinstance(f, _PLAIN_FIELDS)]
    entries = []
    for key, row in zip(ids, rows, strict=True):
        values = dict(zip(columns, row, strict=True))
        for column, write in typed:
            values[column] = write(values[column])
        entries.append({"table": table, "id": key, "op": "insert", "values": values})
    if entries:
        services.capture(entries, using=using)


# Fields whose values are text, an integer, a boolean or None, as stored and as written.
_PLAIN_FIELDS = (
    models.CharField,  # and TextField's subclasses, EmailField, SlugField, ...
    models.TextField,
    models.IntegerField,  # and its small, big and positive kinds
    models.BooleanField,
    models.AutoField,
    models.BigAutoField,
    models.ForeignKey,  # its id: the register's keys are integers
)


class _Written(dict[Any, Any]):
    """A decimal field's values as written, remembered for one batch: thresholds repeat in
    every row and scores often. Equal decimals are written alike at a field's scale (0.6 and
    0.60 are both "0.6000"), so a value found here was written from an equal one."""

    def __init__(self, field: models.DecimalField) -> None:
        super().__init__()
        self.write = field_writer(field)

    def __missing__(self, value: Any) -> Any:
        written = self[value] = self.write(value)
        return written


def _batch_writer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.DecimalField):
        return _Written(field).__getitem__
    return field_writer(field)


def deleted(model: type[models.Model], ids: Iterable[Any], *, using: str = "default") -> None:
    """Rows deleted in bulk (QuerySet._raw_delete sends no signal): one entry each."""
    table = model._meta.db_table
    rows = [{"table": table, "id": key, "op": "delete"} for key in ids]
    if rows:
        services.capture(rows, using=using)


def _in_a_transaction(sender: type[models.Model], using: str, **kwargs: Any) -> None:
    """A save outside a transaction commits on its own, before its event could join it: the
    row would be written with no event of its transaction (the journal would rightly name it),
    or with none at all if the append failed. Fail closed: refuse it. (Deletes and
    many-to-many changes open their own transaction; saves do not.)"""
    if not connections[using].in_atomic_block:
        raise LedgerError(
            f"A {sender._meta.verbose_name} is saved outside a transaction: write audited rows "
            "through a service, or inside transaction.atomic(), so that the row and its ledger "
            "event commit together."
        )


def _saved(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    update_fields: frozenset[str] | None,
    using: str,
    **kwargs: Any,
) -> None:
    fields = None
    if not created and update_fields is not None:
        fields = [f for f in instance._meta.concrete_fields if f.name in update_fields]
    written = entry(instance, "insert" if created else "update", fields)
    if created:
        for many in instance._meta.local_many_to_many:
            written["values"][many.name] = []
    services.capture([written], using=using)


def _deleted(sender: type[models.Model], instance: models.Model, using: str, **kwargs: Any) -> None:
    services.capture([entry(instance, "delete")], using=using)


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    using: str,
    **kwargs: Any,
) -> None:
    if reverse and action == "pre_clear":
        # cleared from the other side (force.policy_profiles.clear()): after the clear nothing
        # names the owners that changed, so they are noted now
        instance.__dict__[_CLEARING] = _owners_linked(sender, instance, model, using)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owners = [instance]
    if reverse and action == "post_clear":
        owners = instance.__dict__.pop(_CLEARING, [])
    elif reverse:  # changed from the other side: every owner in pk_set changed
        owners = list(model._default_manager.using(using).filter(pk__in=pk_set or ()))
    rows = []
    for owner in owners:
        for many in owner._meta.local_many_to_many:
            if many.remote_field.through is sender:
                values = {many.name: many_values(owner, many)}
                rows.append(
                    {
                        "table": owner._meta.db_table,
                        "id": owner.pk,
                        "op": "update",
                        "values": values,
                    }
                )
    if rows:
        services.capture(rows, using=using)


_CLEARING = "_ledger_owners_being_cleared"


def _owners_linked(
    through: type[models.Model], instance: models.Model, model: type[models.Model], using: str
) -> list[models.Model]:
    """The rows of `model` whose many-to-many set (held in `through`) includes `instance`."""
    names = [f.name for f in model._meta.local_many_to_many if f.remote_field.through is through]
    linked = model._default_manager.using(using).none()
    for name in names:
        linked = linked | model._default_manager.using(using).filter(**{name: instance.pk})
    return list(linked.distinct().order_by("pk"))
