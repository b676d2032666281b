"""`harness agreement` for judged summaries: correlations and balanced accuracy checked against
scipy, rouge_score and the definitions directly; readers' hostile inputs."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from harness.agreement._balanced import balanced_accuracy, choose_threshold
from harness.agreement._correlation import correlate
from harness.agreement._summary_metrics import compute
from harness.agreement._summary_readers import read
from harness.cli import main

# ../shared/data beside the repository, or where HARNESS_SHARED_DATA points (a worktree elsewhere)
SHARED = Path(os.environ.get("HARNESS_SHARED_DATA") or Path(__file__).resolve().parents[2].parent / "shared/data")
SUMMEVAL = SHARED / "summeval/summeval_1600.jsonl"
needs_summeval = pytest.mark.skipif(not SUMMEVAL.exists(), reason="shared SummEval data not present")


def _random_table(seed: int, docs: int = 12, systems: int = 6):
    rng = np.random.default_rng(seed)
    doc_ids = [f"d{d}" for d in range(docs) for _ in range(systems)]
    system = [f"s{s}" for _ in range(docs) for s in range(systems)]
    metric = rng.integers(0, 4, docs * systems).astype(float)  # ties on purpose
    human = rng.integers(1, 6, docs * systems).astype(float)
    return doc_ids, system, metric, human


@pytest.mark.parametrize("seed", range(25))
def test_correlations_equal_scipy_by_hand(seed):
    doc_ids, system, metric, human = _random_table(seed)
    result = correlate(doc_ids, system, metric, human, samples=20)
    taus, rhos = [], []
    for d in sorted(set(doc_ids)):
        rows = [i for i, x in enumerate(doc_ids) if x == d]
        tau = stats.kendalltau(metric[rows], human[rows]).statistic
        rho = stats.spearmanr(metric[rows], human[rows]).statistic
        taus.append(tau)
        rhos.append(rho)
    assert result.summary_kendall == pytest.approx(np.nanmean(taus), abs=1e-12)
    assert result.summary_spearman == pytest.approx(np.nanmean(rhos), abs=1e-12)
    assert result.left_out == int(np.isnan(rhos).sum())
    names = sorted(set(system))
    m = [np.mean([metric[i] for i, s in enumerate(system) if s == n]) for n in names]
    h = [np.mean([human[i] for i, s in enumerate(system) if s == n]) for n in names]
    assert result.system_kendall == pytest.approx(stats.kendalltau(m, h).statistic, abs=1e-12)
    assert result.system_spearman == pytest.approx(stats.spearmanr(m, h).statistic, abs=1e-12)
    low, high = result.intervals["summary_spearman"]
    assert low <= high


def test_a_constant_document_is_left_out_and_counted():
    doc_ids = ["a"] * 3 + ["b"] * 3
    systems = ["x", "y", "z"] * 2
    metric = [1.0, 1.0, 1.0, 0.1, 0.2, 0.3]  # document a: the metric is constant
    human = [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]
    result = correlate(doc_ids, systems, metric, human, samples=10)
    assert result.left_out == 1 and result.documents == 2
    assert result.summary_spearman == pytest.approx(1.0)


def test_balanced_accuracy_by_hand():
    scores, labels = [0.9, 0.8, 0.2, 0.6, 0.1], [1, 1, 0, 0, 0]
    assert balanced_accuracy(scores, labels, 0.5) == pytest.approx((2 / 2 + 2 / 3) / 2)
    assert balanced_accuracy(scores, labels, 0.7) == pytest.approx(1.0)
    assert balanced_accuracy([0.3], [1], 0.5) == 0.0  # one class: its recall
    threshold, best = choose_threshold({"a": (scores, labels), "b": ([0.5, 0.9], [0, 1])})
    assert threshold == 0.8 and best == pytest.approx(1.0)


@needs_summeval
def test_rouge1_on_a_slice_equals_rouge_score_directly():
    from rouge_score import rouge_scorer

    records = read([SUMMEVAL], "summeval")[:48]
    values = compute(records, ["rouge1_mean", "rouge1_max"])
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    for r, mean, best in zip(records, values["rouge1_mean"], values["rouge1_max"]):
        f1 = [scorer.score(ref, r.summary)["rouge1"].fmeasure for ref in r.references]
        assert mean == pytest.approx(sum(f1) / len(f1), abs=1e-12)
        assert best == pytest.approx(scorer.score_multi(r.references, r.summary)["rouge1"].fmeasure, abs=1e-12)


@needs_summeval
def test_rouge1_reproduces_the_published_summeval_figures():
    records = read([SUMMEVAL], "summeval")
    values = compute(records, ["rouge1_mean", "rouge1_max"])
    docs, systems = [r.doc_id for r in records], [r.system for r in records]

    def rho(name, dim):
        c = correlate(docs, systems, values[name], [r.scores[dim] for r in records], samples=0)
        return c.summary_spearman, c.summary_kendall

    assert rho("rouge1_mean", "consistency") == pytest.approx((0.158, 0.129), abs=0.0015)
    assert rho("rouge1_mean", "relevance") == pytest.approx((0.328, 0.253), abs=0.0015)
    assert rho("rouge1_max", "consistency")[0] == pytest.approx(0.175, abs=0.0015)
    assert rho("rouge1_max", "relevance")[0] == pytest.approx(0.290, abs=0.0015)


def _write(tmp_path: Path, lines: list) -> Path:
    path = tmp_path / "judged.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


GOOD = {"document": "Jane Doe opened the bridge on Monday.", "summary": "Jane Doe opened the bridge.",
        "system": "a", "doc_id": "1", "scores": {"consistency": 5}}


@pytest.mark.parametrize("bad, message", [
    ('{"document": "x", "summary": "y", "scores": {"consistency": NaN}}', "finite number"),
    ("not json", "not JSON"),
    ({"document": "", "summary": "y", "label": 1}, "`document` is empty"),
    ({"document": "x", "summary": "y", "label": 2}, "0 or 1"),
    ({"document": "x", "summary": "y"}, "either `scores`"),
    ({"document": "x", "summary": 3, "label": 1}, "`summary` must be a string"),
    ([1, 2], "JSON object"),
])
def test_a_bad_line_is_one_line_with_file_and_line_and_exit_2(tmp_path, capsys, bad, message):
    path = _write(tmp_path, [GOOD, bad])
    assert main(["agreement", str(path), "--format", "summaries-jsonl"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{path}:2:" in err and message in err


def test_summeval_nan_expert_rating_is_an_error(tmp_path, capsys):
    row = {"doc_id": "d", "system_id": "M1", "source": "An article.", "system_output": "a summary",
           "references": ["ref"], "expert_annotations": [{"coherence": 1, "consistency": float("nan"),
                                                          "fluency": 1, "relevance": 1}]}
    path = _write(tmp_path, [json.dumps(row)])
    assert main(["agreement", str(path), "--format", "summeval"]) == 2
    assert f"{path}:1:" in capsys.readouterr().err


def test_generic_jsonl_hostile_texts_get_documented_scores(tmp_path, capsys):
    big = "The council met and agreed the budget. " * 130_000  # about 5 MB
    rows = [dict(GOOD, system="a", doc_id="1"), dict(GOOD, summary="", system="b", doc_id="1"),
            dict(GOOD, summary=GOOD["document"] * 30, system="c", doc_id="1"),
            dict(GOOD, document="Москва — столица России.", summary="Москва — столица.", system="a", doc_id="2"),
            dict(GOOD, document=big, summary="The council agreed the budget.", system="b", doc_id="2")]
    path = _write(tmp_path, rows)
    assert main(["agreement", str(path), "--format", "summaries-jsonl", "--json",
                 "--metrics", "extractiveness.coverage,entity_precision_rules"]) == 0
    out = json.loads(capsys.readouterr().out)
    entry = out["metrics"]["extractiveness.coverage"]["consistency"]
    assert set(entry) >= {"summary_kendall", "summary_spearman", "system_kendall", "system_spearman"}
    assert entry["left_out"] == 2  # every rating is 5: constant, no coefficient
    assert entry["summary_spearman"] is None


def test_binary_json_shape(tmp_path, capsys):
    rows = [{"document": "Jane Doe opened the bridge.", "claim": "Jane Doe opened the bridge.", "label": 1},
            {"document": "Jane Doe opened the bridge.", "claim": "John Roe closed a tunnel.", "label": 0}]
    path = _write(tmp_path, rows)
    assert main(["agreement", str(path), "--format", "summac", "--json", "--metrics", "entity_precision_rules"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metrics"]["entity_precision_rules"]["balanced_accuracy"] == 1.0
    assert out["metrics"]["entity_precision_rules"]["n"] == 2
    assert not math.isnan(out["metrics"]["entity_precision_rules"]["threshold"])


@pytest.mark.parametrize("seed", range(3))
def test_bootstrap_intervals_equal_a_plain_loop_over_the_draws(seed):
    doc_ids, system, metric, human = _random_table(seed, docs=15, systems=5)
    result = correlate(doc_ids, system, metric, human, samples=200, seed=seed)
    docs = list(dict.fromkeys(doc_ids))
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(200):
        chosen = [docs[i] for i in rng.integers(0, len(docs), len(docs))]
        taus, rhos, per_system = [], [], {}
        for d in chosen:
            idx = [i for i, x in enumerate(doc_ids) if x == d]
            taus.append(stats.kendalltau(metric[idx], human[idx]).statistic)
            rhos.append(stats.spearmanr(metric[idx], human[idx]).statistic)
            for i in idx:
                per_system.setdefault(system[i], []).append((metric[i], human[i]))
        names = sorted(per_system)
        m = [np.mean([p[0] for p in per_system[n]]) for n in names]
        h = [np.mean([p[1] for p in per_system[n]]) for n in names]
        rows.append((np.nanmean(taus), np.nanmean(rhos), stats.kendalltau(m, h).statistic,
                     stats.spearmanr(m, h).statistic))
    rows = np.array(rows)
    for k, key in enumerate(("summary_kendall", "summary_spearman", "system_kendall", "system_spearman")):
        column = rows[:, k][~np.isnan(rows[:, k])]
        assert result.intervals[key] == pytest.approx((np.quantile(column, 0.025), np.quantile(column, 0.975)),
                                                      abs=1e-9)


def test_likelihood_is_measured_only_when_named(tmp_path):
    rows = [{"document": "Jane Doe opened the bridge.", "claim": "Jane Doe opened the bridge.", "label": 1}]
    records = read([_write(tmp_path, rows)], "summac")
    assert "likelihood" not in compute(records)  # a model pass over every summary: not by default
    assert "support" in compute(records)


@pytest.mark.slow
def test_likelihood_in_agreement_is_the_metrics_own_score(tmp_path, capsys):
    from types import SimpleNamespace

    from harness.metrics.likelihood import LIKELIHOOD

    rows = [{"document": "The city council voted 7-2 on Tuesday to close the Elm Street bridge for repairs.",
             "claim": claim, "label": label}
            for claim, label in (("The council voted to close the bridge.", 1),
                                 ("The council voted to open a new stadium.", 0))]
    path = _write(tmp_path, rows)
    values = compute(read([path], "summac"), ["likelihood"])["likelihood"]
    own = [p["score"] for p in LIKELIHOOD.score_many(
        [SimpleNamespace(text=r["claim"], document=r["document"]) for r in rows], None)]
    assert values == own and all(0.0 <= v <= 1.0 for v in values)
    assert main(["agreement", str(path), "--format", "summac", "--json", "--metrics", "likelihood"]) == 0
    out = json.loads(capsys.readouterr().out)["metrics"]["likelihood"]
    assert out["threshold"] == 0.5 and out["n"] == 2
