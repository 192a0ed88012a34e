"""Template filters: figures as a person reads them, built on audits.metrics.formatting."""

import dataclasses

from django.template import Context, Template

from audits.metrics import Rate, RateRatio
from audits.reporting.templatetags import report_format

PER_FACE = Rate(
    k=12,
    n=483_958,
    value=12 / 483_958,
    ci_low=1.4184673658528852e-05,
    ci_high=4.334353711273936e-05,
    method="wilson",
    zero_events_upper_bound=None,
)
ZERO = Rate(
    k=0,
    n=30_000,
    value=0.0,
    ci_low=0.0,
    ci_high=0.000128,
    method="wilson",
    zero_events_upper_bound=9.98e-05,
)


def test_counts_have_thousands_separators_and_unknown_is_a_dash():
    assert report_format.count(483_958) == "483,958"
    assert report_format.count(144366.0) == "144,366"
    assert report_format.count(117.8) == "117.8"
    assert report_format.count(None) == "-"


def test_a_rate_reads_as_a_percentage_with_its_interval_and_one_in_n():
    assert report_format.rate_interval(PER_FACE) == "0.0025% (0.0014% to 0.0043%)"
    assert report_format.one_in(PER_FACE) == "1 in 40,330"
    assert report_format.k_of_n(PER_FACE) == "12 / 483,958"


def test_zero_events_give_the_one_sided_bound_never_none():
    assert report_format.one_in(ZERO) == "-"
    assert report_format.zero_events_note(ZERO) == "at most 0.01% (one-sided 95%)"
    assert report_format.zero_events_note(PER_FACE) == ""


def test_a_rate_with_no_trials_is_a_dash():
    empty = dataclasses.replace(PER_FACE, k=0, n=0, value=None, ci_low=None, ci_high=None)
    assert report_format.rate_interval(empty) == "-"
    assert report_format.rate_interval(None) == "-"


def test_rate_ratio_and_its_note_when_there_is_none():
    counts = {"k1": 5, "n1": 10, "k0": 2, "n0": 10, "method": "katz_log", "zero_events": False}
    ratio = RateRatio(**counts, value=2.5, ci_low=0.9, ci_high=6.94, note=None)
    assert report_format.ratio_interval(ratio) == "2.50 (0.90 to 6.94)"
    note = "no events in either group: no ratio can be estimated"
    none = RateRatio(**counts, value=None, ci_low=None, ci_high=None, note=note)
    assert report_format.ratio_interval(none) == note
    assert report_format.ratio_interval(None) == "-"


def test_keys_labels_and_filters_read_as_words():
    assert report_format.key_label({"year": 2021, "force": "MPS"}) == "2021 · MPS"
    assert report_format.key_label({"threshold": None}) == "unknown"
    assert report_format.key_label({}) == "All"
    assert report_format.label("false_alert_rate_per_face") == "False alert rate per face"
    assert report_format.filter_value(["MPS", "SWP"]) == "MPS, SWP"
    assert report_format.filter_value([]) == "any"


def test_the_ledger_head_is_cut_in_groups_of_sixteen():
    head = "0123456789abcdef" * 4
    assert report_format.ledger_chunks(head) == ["0123456789abcdef"] * 4
    assert report_format.ledger_chunks(None) == []


def test_the_filters_load_in_a_template():
    template = Template("{% load report_format %}{{ figure|rate_interval }} {{ n|count }}")
    rendered = template.render(Context({"figure": PER_FACE, "n": 1234}))
    assert rendered == "0.0025% (0.0014% to 0.0043%) 1,234"
