"""Two lifecycle steps taken at once on one record end as one of their two serial orders.

Each pair is raced 50 times with real parallel transactions on PostgreSQL. After every race: the
outcome (which steps happened, the stored row, the amendment history, the record's ledger events)
equals one of the two serial orders, learned by running both on fresh records first; each
amendment's old value is the value before it and the row holds the last new value; the ledger
holds one event per step that happened and none for a refused one; the chain verifies.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from django.contrib.contenttypes.models import ContentType

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction
from audits.oversight import services as reviews
from audits.oversight.models import CommissionerReview
from audits.register.models import Amendment, Deployment, Force, Status
from audits.register.services import records
from audits.register.services.changes import field_values
from tests import factories as make
from tests.security.conftest import REFERENCE_PREFIX, SUBJECT_PREFIX, People
from tests.security.harness import (
    DONE,
    Outcome,
    Step,
    chain_verifies,
    events_on,
    on_own_connection,
    run_race,
    run_serially,
    split_refusals,
)

RACES = 50
NOTES_A = "Amended: signage at both entrances."
NOTES_B = "Amended: signage at the north entrance only."
ARRESTS_B = 5  # the deployment is created with 4
DEPLOYMENT_ROW = ("status", "withdrawn_reason", "notes", "arrests")


# --- the records raced on, each committed on a connection of its own ---------------------------


def _new_deployment(people: People, *, submitted: bool) -> int:
    def create() -> int:
        record = make.deployment(
            force=Force.objects.get(code="NMP"), reference=f"{REFERENCE_PREFIX}{uuid4().hex[:12]}"
        )
        records.record_create(user=people.recorder, instance=record)
        if submitted:
            records.record_submit(user=people.recorder, instance=record)
        return record.pk

    return on_own_connection(create)


def _new_assessed_review(people: People) -> int:
    def create() -> int:
        review = reviews.review_open(
            user=people.evaluator,
            force=Force.objects.get(code="NMP"),
            period_start=date(2025, 1, 1),
            period_end=date(2025, 3, 31),
            subject=f"{SUBJECT_PREFIX} {uuid4().hex[:12]}",
        )
        reviews.review_assess(
            user=people.evaluator, review=review, assessment="Proportionate for the period."
        )
        return review.pk

    return on_own_connection(create)


def _load_deployment(pk: int) -> Deployment:
    return Deployment.objects.get(pk=pk)  # as a view does, before the service's transaction


def _load_review(pk: int) -> CommissionerReview:
    return CommissionerReview.objects.get(pk=pk)


def _observe_deployment(pk: int, after_seq: int, taken: tuple[str, ...]) -> Outcome:
    results, refusals = split_refusals(taken)
    record = _load_deployment(pk)
    history = Amendment.objects.filter(
        content_type=ContentType.objects.get_for_model(Deployment), object_id=pk
    ).order_by("ledger_seq", "id")
    return Outcome(
        results=results,
        row=tuple(getattr(record, name) for name in DEPLOYMENT_ROW),
        history=tuple(history.values_list("field", "old_value", "new_value")),
        events=events_on("deployment", pk, after_seq),
        refusals=refusals,
    )


def _observe_review(pk: int, after_seq: int, taken: tuple[str, ...]) -> Outcome:
    results, refusals = split_refusals(taken)
    review = _load_review(pk)
    validator = review.validator.get_username() if review.validator else None
    messages = tuple(review.messages.order_by("id").values_list("kind", flat=True))
    return Outcome(
        results=results,
        row=(review.state, validator, review.opinion, messages),
        history=(),
        events=events_on("commissionerreview", pk, after_seq, drop=("message",)),
        refusals=refusals,
    )


# --- the pairs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    new_record: Callable[[], int]
    load: Callable[[int], Any]
    steps: tuple[Step, Step]
    observe: Callable[[int, int, tuple[str, ...]], Outcome]
    symptom: Callable[[Outcome], str]  # names the pair's typical breakage, "" if absent


def _amend(people: People, data: dict, label: str) -> Step:
    return Step(
        label,
        LedgerAction.AMEND,
        lambda record: records.record_amend(
            user=people.reviewer, instance=record, data=data, reason=f"Correction: {label}."
        ),
    )


def _withdraw(people: People, label: str) -> Step:
    return Step(
        label,
        LedgerAction.WITHDRAW,
        lambda record: records.record_withdraw(
            user=people.reviewer, instance=record, reason="Recorded twice in error."
        ),
    )


def _submit(people: People, label: str) -> Step:
    return Step(
        label,
        LedgerAction.SUBMIT,
        lambda record: records.record_submit(user=people.recorder, instance=record),
    )


def _both_happened(outcome: Outcome) -> str:
    if outcome.results != (DONE, DONE):
        return ""
    return f"both steps happened, {len(outcome.events)} events"


def _un_withdrew(outcome: Outcome) -> str:
    withdrew = outcome.results[1] == DONE
    return "un-withdrew" if withdrew and outcome.row[0] != Status.WITHDRAWN else ""


def _on_deployments(new_record, steps, symptom=lambda outcome: "") -> Pair:
    return Pair(new_record, _load_deployment, steps, _observe_deployment, symptom)


def _amend_vs_withdraw(people: People) -> Pair:
    steps = (_amend(people, {"notes": NOTES_A}, "amend notes"), _withdraw(people, "withdraw"))
    return _on_deployments(lambda: _new_deployment(people, submitted=True), steps, _un_withdrew)


def _amend_vs_amend_one_field(people: People) -> Pair:
    steps = (
        _amend(people, {"notes": NOTES_A}, "amend notes to A"),
        _amend(people, {"notes": NOTES_B}, "amend notes to B"),
    )
    return _on_deployments(lambda: _new_deployment(people, submitted=True), steps)


def _amend_vs_amend_two_fields(people: People) -> Pair:
    steps = (
        _amend(people, {"notes": NOTES_A}, "amend notes"),
        _amend(people, {"arrests": ARRESTS_B}, "amend arrests"),
    )
    return _on_deployments(lambda: _new_deployment(people, submitted=True), steps)


def _submit_vs_submit(people: People) -> Pair:
    steps = (_submit(people, "submit"), _submit(people, "submit again"))
    return _on_deployments(lambda: _new_deployment(people, submitted=False), steps, _both_happened)


def _withdraw_vs_withdraw(people: People) -> Pair:
    steps = (_withdraw(people, "withdraw"), _withdraw(people, "withdraw again"))
    return _on_deployments(lambda: _new_deployment(people, submitted=True), steps, _both_happened)


def _sign_off_vs_return(people: People) -> Pair:
    sign_off = Step(
        "sign off",
        LedgerAction.REVIEW,
        lambda review: reviews.review_sign_off(
            user=people.validator, review=review, opinion="Agree with the assessment."
        ),
    )
    send_back = Step(
        "return",
        LedgerAction.REVIEW,
        lambda review: reviews.review_return(
            user=people.second_validator, review=review, reason="The notice is not addressed."
        ),
    )
    return Pair(
        lambda: _new_assessed_review(people),
        _load_review,
        (sign_off, send_back),
        _observe_review,
        _both_happened,
    )


PAIRS: dict[str, Callable[[People], Pair]] = {
    "amend vs withdraw": _amend_vs_withdraw,
    "amend vs amend, one field": _amend_vs_amend_one_field,
    "amend vs amend, two fields": _amend_vs_amend_two_fields,
    "submit vs submit": _submit_vs_submit,
    "withdraw vs withdraw": _withdraw_vs_withdraw,
    "sign-off vs return": _sign_off_vs_return,
}


# --- the properties ----------------------------------------------------------------------------


def _history_breaks(start: dict, final: dict, history: tuple) -> list[str]:
    value, broken = dict(start), []
    for field, old, new in history:
        if old != value[field]:
            broken.append("history: an amendment's old value is not the value before it")
        value[field] = new
    if any(value[field] != final[field] for field, _, _ in history):
        broken.append("history: the row does not hold the last amendment's new value")
    return broken


def _event_breaks(steps: tuple[Step, ...], outcome: Outcome) -> list[str]:
    taken = zip(steps, outcome.results, strict=True)
    happened = Counter(step.action for step, result in taken if result == DONE)
    appended = Counter(action for action, _ in outcome.events)
    return [] if happened == appended else ["ledger: not one event per step that happened"]


def _breaks(pair: Pair, start: dict, final: dict, outcome: Outcome) -> list[str]:
    broken = _history_breaks(start, final, outcome.history) + _event_breaks(pair.steps, outcome)
    if not all(outcome.refusals):
        broken.append("a refusal gives no reason")
    if symptom := pair.symptom(outcome):
        broken.append(symptom)
    if not chain_verifies():
        broken.append("ledger: the chain does not verify")
    return broken


def _run(pair: Pair, take: Callable[[Callable[[], Any]], tuple[str, ...]]):
    """A fresh record, the steps taken by `take`, then what they left and what that breaks."""
    pk = pair.new_record()
    start = field_values(pair.load(pk))
    after_seq = ledger.head()[0]
    outcome = pair.observe(pk, after_seq, take(lambda: pair.load(pk)))
    return outcome, _breaks(pair, start, field_values(pair.load(pk)), outcome)


def _serial_outcomes(pair: Pair) -> list[Outcome]:
    outcomes = []
    for order in ((0, 1), (1, 0)):
        outcome, broken = _run(pair, lambda load, o=order: run_serially(load, pair.steps, o))
        # The yardstick itself must hold: the step taken first happens, nothing is broken.
        assert outcome.results[order[0]] == DONE, (order, outcome)
        assert broken == [], (order, outcome, broken)
        outcomes.append(outcome)
    return outcomes


@pytest.mark.postgres
@pytest.mark.parametrize("name", PAIRS)
def test_fifty_races_each_end_as_one_of_the_two_serial_orders(name, people):
    pair = PAIRS[name](people)
    serial = _serial_outcomes(pair)
    broken, example = Counter(), {}
    for _ in range(RACES):
        outcome, breaks = _run(pair, lambda load: run_race(load, pair.steps))
        if outcome not in serial:
            breaks.append("not one of the serial orders")
        broken.update(breaks)
        for label in breaks:
            example.setdefault(label, outcome)

    summary = "; ".join(f"{count}/{RACES} {label}" for label, count in broken.most_common())
    assert not broken, f"{name}: {summary}\nserial orders: {serial}\nexamples: {example}"
