"""The QA verdicts against the labelled answers of the shipped gold set
(gold/kim-putin-talks/judgments.jsonl, labelled by the project's maintainers, a few relabelled
by an AI coding assistant: `labelled_by`): `correct` must agree with the labels on at least 95%
of the held-out answers, and the agreement command reports every metric and who labelled."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.cli import main
from harness.gold import load_gold
from harness.agreement._gold import MetricAgreement, agreement, measure_agreement
from harness.tasks.qa import QAOptions

GOLD = Path(__file__).resolve().parents[2] / "gold"


@pytest.fixture(scope="module")
def heldout() -> dict[str, MetricAgreement]:
    return {r.metric: r for r in measure_agreement(load_gold(GOLD), "heldout", QAOptions())}


def test_correct_agrees_with_the_labels_on_at_least_95_percent_of_the_heldout_answers(heldout):
    result = heldout["correct"]
    assert result.n >= 250 / 3
    assert result.agreement >= 0.95, [d for d in result.disagreements]


def test_correct_agrees_better_than_exact_match_and_f1(heldout):
    assert heldout["correct"].kappa > heldout["f1>=0.5"].kappa > 0
    assert heldout["correct"].agreement > heldout["exact_match"].agreement


def test_kappa_and_counts_on_a_known_table():
    judged = [SimpleNamespace(id=f"q{i}", prediction=p, correct=c, reason="r")
              for i, (p, c) in enumerate([("Hanoi", True), ("Hanoi", True), ("Moscow", False), ("Hanoi, I think", False)])]
    items = [SimpleNamespace(id=f"q{i}", article_id="a", type="place", answers=("Hanoi",), question="Where?")
             for i in range(4)]
    from harness.tasks.qa import qa_item

    results = {r.metric: r for r in agreement(judged, [qa_item(i) for i in items], QAOptions())}
    em = results["exact_match"]  # verdicts: 1, 1, 0, 0 against labels 1, 1, 0, 0
    assert (em.true_positive, em.false_positive, em.false_negative, em.true_negative) == (2, 0, 0, 2)
    assert em.agreement == 1.0 and em.kappa == 1.0
    correct = results["correct"]  # "Hanoi, I think" contains Hanoi: the metric says correct, the label not
    assert (correct.true_positive, correct.false_positive, correct.true_negative) == (2, 1, 1)
    assert correct.kappa == pytest.approx((0.75 - 0.5) / (1 - 0.5))  # chance: 3/4*2/4 + 1/4*2/4


def test_the_agreement_command_prints_every_metric_and_the_disagreements(capsys):
    assert main(["gold", "agreement", "--gold", str(GOLD), "--split", "heldout"]) == 0
    out = capsys.readouterr().out
    for metric in ("exact_match", "f1>=0.5", "correct"):
        assert f"\n{metric} " in out
    assert "disagreement(s)" in out and "kappa" in out
    heldout = [j for j in load_gold(GOLD).judgments if j.split == "heldout"]
    by_maintainers = sum(j.labelled_by == "project maintainers (rubric: docs/metrics.md)" for j in heldout)
    assert out.startswith(f"agreement with {len(heldout)} labelled answers (split: heldout); labelled by "
                          f"project maintainers (rubric: docs/metrics.md): {by_maintainers}; AI coding assistant "
                          f"(rubric: docs/metrics.md): {len(heldout) - by_maintainers}\n"), out[:300]
    assert "human" not in out.split("\n\n")[0] and "person" not in out.split("\n\n")[1]


def test_a_row_without_a_labeller_is_shown_as_not_recorded_never_as_a_person():
    judged = [SimpleNamespace(id="q0", prediction="Hanoi", correct=True, reason="r")]
    items = [SimpleNamespace(id="q0", article_id="a", type="place", answers=("Hanoi",), question="Where?")]
    from harness.agreement._gold import format_agreement
    from harness.tasks.qa import qa_item

    out = format_agreement(agreement(judged, [qa_item(i) for i in items], QAOptions()), "all")
    assert out.startswith("agreement with 1 labelled answers (split: all); labelled by labeller not recorded: 1\n")


def test_no_judgments_in_a_split_is_a_clear_error(tmp_path, capsys):
    article = tmp_path / "gold" / "kim-putin-talks"
    article.mkdir(parents=True)
    for name in ("article.txt", "meta.json", "qa.jsonl", "summaries.jsonl"):
        (article / name).write_bytes((GOLD / "kim-putin-talks" / name).read_bytes())
    assert main(["gold", "agreement", "--gold", str(tmp_path / "gold")]) == 2
    assert "no labelled answers" in capsys.readouterr().err
