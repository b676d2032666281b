"""The harness scores imported SQuAD 2.0 questions as the official SQuAD 2.0 evaluation does.

For every one of the 1,407 questions of the sample and a varied set of predictions (gold answers,
aliases, case, punctuation and article variants, partial overlaps, supersets, wrong answers,
plausible distractors, abstentions), the harness's QA task (imported gold, its exact_match and
f1, its abstention rule) and an implementation of the official v2.0 rules written here from
their description agree exactly. The official rules:
- normalize: lower-case, drop ASCII punctuation, drop the words a/an/the, collapse whitespace;
- the gold answers are the crowd answers that are not empty after normalization, or [""] when
  there are none (an unanswerable question);
- exact match: 1 when the normalized prediction equals a normalized gold answer;
- F1: over bags of normalized tokens; when either side has no tokens, 1 if both have none;
- each the maximum over the gold answers.
The mapping between the two: the official "no answer" is the empty prediction; for the harness
it is an abstention (the configured abstain phrase). Outputs that normalize to nothing ("", "the",
"...") are not compared: the official script reads them as "no answer", the harness as an
answer that is not an abstention (docs/gold.md, "SQuAD").
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from pathlib import Path

import pytest

from harness.gold import ImportOptions, import_dataset, load_gold
from harness.agreement._scoring import score_answer
from harness.tasks.qa import QAOptions, QATask

SQUAD = Path(__file__).resolve().parents[1] / "data" / "squad-v2-dev-5-articles.json"
PUNCTUATION = frozenset(string.punctuation)
ARTICLE_WORDS = re.compile(r"\b(?:a|an|the)\b")
NO_ANSWER = ""


# -- the official rules, written from their description --------------------------------------------

def official_normalize(text: str) -> str:
    kept = "".join(c for c in text.lower() if c not in PUNCTUATION)
    return " ".join(ARTICLE_WORDS.sub(" ", kept).split())


def official_f1(gold: str, prediction: str) -> float:
    gold_tokens, predicted = official_normalize(gold).split(), official_normalize(prediction).split()
    if not gold_tokens or not predicted:
        return float(gold_tokens == predicted)
    overlap = sum((Counter(gold_tokens) & Counter(predicted)).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / len(predicted), overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def official_scores(crowd_answers: list[str], prediction: str) -> tuple[float, float]:
    golds = [a for a in crowd_answers if official_normalize(a)] or [NO_ANSWER]
    exact = max(float(official_normalize(g) == official_normalize(prediction)) for g in golds)
    return exact, max(official_f1(g, prediction) for g in golds)


# -- the predictions ---------------------------------------------------------------------------------

ABSTAIN = "unanswerable"
ABSTENTIONS = ["unanswerable", "Unanswerable.", "**UNANSWERABLE**"]  # the harness abstains on each


def predictions(qa: dict) -> list[tuple[str, str]]:
    """(what the model says to the harness, the official prediction) pairs for one question."""
    crowd = [a["text"] for a in qa["answers"]]
    texts = crowd + [a["text"] for a in qa.get("plausible_answers", [])]
    first = texts[0] if texts else "Normandy"
    words = first.split()
    answers = {first, crowd[-1] if crowd else first, first.upper() + ".", f"The {first}", f"a {first}!",
               f'"{first}"', " ".join(words[: max(1, len(words) // 2)]), f"{first} and the rest of it",
               f"{words[-1]} of {first}", "Zanzibar in 1066", "not France"}
    pairs = [(text, text) for text in sorted(answers) if official_normalize(text)]
    return pairs + [(phrase, NO_ANSWER) for phrase in ABSTENTIONS]


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    root = tmp_path_factory.mktemp("squad-scoring") / "gold"
    root.mkdir()
    import_dataset(root, SQUAD, "squad", ImportOptions(license="CC BY-SA 4.0"))
    return load_gold(root)


def test_harness_scores_equal_the_official_rules_on_every_question(gold):
    task, options = QATask(), QAOptions(extraction="none", abstain_phrase=ABSTAIN)
    items = {item.id: item for item in task.items(gold, options, None)}
    by_source = {qa.source_id: items[qa.id] for qa in gold.qa}
    compared, questions, kinds = 0, 0, Counter()
    for entry in json.loads(SQUAD.read_text())["data"]:
        for paragraph in entry["paragraphs"]:
            for qa in paragraph["qas"]:
                questions += 1
                item = by_source[qa["id"]]
                crowd = [a["text"] for a in qa["answers"]]
                for said, official_prediction in predictions(qa):
                    scores = score_answer(item, said, options).values
                    expected = official_scores(crowd, official_prediction)
                    assert (scores["exact_match"], scores["f1"]) == pytest.approx(expected, abs=1e-12), \
                        (qa["id"], said, crowd)
                    compared += 1
                    kinds[(bool(crowd), expected[0], 0 < expected[1] < 1)] += 1
    assert questions == 1407 and compared > 14_000
    # The predictions cover every outcome: exact hits, partial overlaps and misses, on both kinds of question.
    assert kinds[(True, 1.0, False)] and kinds[(True, 0.0, True)] and kinds[(True, 0.0, False)]
    assert kinds[(False, 1.0, False)] and kinds[(False, 0.0, False)]


def test_the_official_rules_as_written_here():
    assert official_normalize("The  Norman-conquest, of a  land!") == "normanconquest of land"
    assert official_scores(["France", "in France"], "france.") == (1.0, 1.0)
    assert official_scores(["Denmark, Iceland and Norway"], "Iceland") == (0.0, pytest.approx(0.4))  # P 1, R 1/4
    assert official_scores([], "") == (1.0, 1.0) and official_scores([], "France") == (0.0, 0.0)
    assert official_scores(["the"], "") == (1.0, 1.0)  # an answer that normalizes to nothing is dropped
