"""The v2 rules, each with an item it accepts and one it refuses: types and reasoning labels,
evidence spans, answers, unanswerable items, summary sources and the paraphrase bound,
meta.json, judgments.jsonl, and the old (v1) format."""

from __future__ import annotations

import json

import pytest

from harness.gold import GoldInvalid, gold_hash, load_gold, validate_gold
from harness.gold._across import answer_occurs
from support.gold_files import ARTICLE_TEXT, META, QA, SUMMARIES, jsonl, make_gold, problem_lines, qa_record

QA_FILE = "gold/test-article/qa.jsonl"
META_FILE = "gold/test-article/meta.json"
SUMMARY_FILE = "gold/test-article/summaries.jsonl"
UNANSWERABLE = {"answers": [], "evidence": [], "type": "unanswerable"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problem paths are shown relative to the current directory


def problems_with(tmp_path, *, qa=(), summaries=(), meta=None) -> list[str]:
    return problem_lines(make_gold(tmp_path, qa=[*QA, *qa], summaries=[*SUMMARIES, *summaries], meta=meta))


ACCEPTED = {
    "every type of the taxonomy": [qa_record(number=5 + i, question=f"Question {i} about the three day summit?",
                                             type=t) for i, t in enumerate(
        ["person", "organization", "place", "date", "duration", "count", "money", "quantity", "reason", "description"])],
    "arithmetic answer implied, not in the evidence": [qa_record(
        question="How many delegates would come if Norland doubled its delegation?", answers=["24", "twenty-four"],
        evidence=["12 delegates from Norland"], type="count", reasoning="arithmetic")],
    "temporal answer implied": [qa_record(question="The article ran on 4 March 2024. When does the summit end?",
                                          answers=["7 March 2024"], type="date", reasoning="temporal")],
    "multi-paragraph evidence in two paragraphs": [qa_record(
        question="Who organized the summit that Norland's delegates attend?", answers=["the Harbor Council"],
        evidence=["12 delegates from Norland will attend the summit", "organized by the Harbor Council"],
        type="organization", reasoning="multi-paragraph")],
    "multi-sentence evidence in two sentences": [qa_record(
        question="How long will the gathering the minister priced last?", answers=["three days"],
        evidence=["Minister Ada Lind said the talks could cost", "is expected to last three days"],
        reasoning="multi-sentence")],
    "yes_no answer starting with yes": [qa_record(question="Will the summit last more than a day?",
                                                  answers=["yes, three days", "yes"], type="yes_no")],
    "answer at the start of a longer word": [qa_record(question="Who comes from Norland?",
                                                       answers=["delegate"], evidence=["12 delegates"],
                                                       type="description")],
    "unanswerable with plausible answers": [qa_record(question="What does the summit cost per day?",
                                                      plausible_answers=["more than 10,000 dollars"], **UNANSWERABLE)],
    "unanswerable without plausible answers": [qa_record(question="Who will chair the summit?",
                                                         plausible_answers=[], **UNANSWERABLE)],
    "unlabeled type and reasoning on an imported item": [qa_record(type="unlabeled", reasoning="unlabeled",
                                                                   source_id="squad-123")],
    "imported duplicate questions": [
        qa_record(number=5, question="How many delegates from Norland will attend?", source_id="a",
                  plausible_answers=["12"], **UNANSWERABLE),
        qa_record(number=6, question="How many delegates from Norland will attend?", answers=["12"],
                  evidence=["12 delegates"], type="count", source_id="b")],
}


@pytest.mark.parametrize("items", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_items(tmp_path, items):
    assert problems_with(tmp_path, qa=items) == []


REFUSED = {
    "unknown reasoning": (qa_record(reasoning="guess"),
                          "unknown reasoning 'guess' (allowed: lookup, multi-sentence, multi-paragraph, arithmetic, "
                          "temporal, unlabeled)"),
    "unlabeled type without a source_id": (qa_record(type="unlabeled"),
                                           "type 'unlabeled' is only for items imported from a dataset"),
    "unlabeled reasoning without a source_id": (qa_record(reasoning="unlabeled"),
                                                "reasoning 'unlabeled' is only for items imported from a dataset"),
    "empty source_id": (qa_record(source_id=" "), "field 'source_id' is empty"),
    "lookup answer not in the evidence": (qa_record(answers=["72 hours"]),
                                          "canonical answer '72 hours' occurs in no evidence span"),
    "multi-paragraph evidence in one paragraph": (
        qa_record(reasoning="multi-paragraph", evidence=["is expected to last three days", "organized by the Harbor"]),
        "a multi-paragraph item's evidence must lie in at least two paragraphs"),
    "multi-sentence evidence in one sentence": (qa_record(reasoning="multi-sentence"),
                                                "a multi-sentence item's evidence must lie in at least two sentences"),
    "yes_no answer not starting with yes or no": (qa_record(type="yes_no", answers=["it will", "yes"]),
                                                  "a yes_no item's canonical (first) answer must start with"),
    "aliases equal after normalization": (qa_record(answers=["three days", "The three days!"]),
                                          "answers[1] 'The three days!' repeats answers[0] after SQuAD normalization"),
    "answer that normalizes to nothing": (qa_record(answers=["three days", "the"]),
                                          "answers[1] 'the' is empty after SQuAD normalization"),
    "unanswerable without the field": (qa_record(**UNANSWERABLE), "unanswerable item needs 'plausible_answers'"),
    "plausible answer not verbatim": (qa_record(plausible_answers=["Bob Lind"], **UNANSWERABLE),
                                      'plausible_answers[0] is not a verbatim span of article.txt: "Bob Lind"'),
    "plausible answers on an answerable item": (qa_record(plausible_answers=["Tokyo"]),
                                                "'plausible_answers' is only for unanswerable items"),
    "authored duplicate question": (qa_record(question="How many DELEGATES from Norland will attend?!"),
                                    "question duplicates test-article-q001 after normalization"),
}


@pytest.mark.parametrize("record, expected", REFUSED.values(), ids=REFUSED.keys())
def test_refused_items(tmp_path, record, expected):
    lines = problems_with(tmp_path, qa=[record])
    assert len(lines) == 1 and lines[0].startswith(f"{QA_FILE}:5: {expected}"), lines


@pytest.mark.parametrize("answer, span, occurs", [
    ("Three Days.", "to last three days", True),  # after normalization
    ("gold rush", "one of the largest gold rushes", True),  # an inflected form in the text
    ("$1,000,000", "a US$1,000,000 prize", True),  # starts with a sign
    ("Rollo", "Before Rollo's arrival", True),
    ("2", "12 delegates", False),  # inside a number
    ("rush", "one of the largest goldrushes", False),
    ("four days", "to last three days", False),
])
def test_answer_occurs(answer, span, occurs):
    assert answer_occurs(answer, span) is occurs


# -- summaries -----------------------------------------------------------------------------------

def summary(number: int, text: str, source: str = "written", style: str = "one_sentence", **extra) -> dict:
    return {"id": f"test-article-s{number:03d}", "style": style, "text": text, "source": source, **extra}


COPY = "Officials in Tokyo said on Monday that 12 delegates from Norland will attend the summit."


@pytest.mark.parametrize("record, expected", [
    (summary(4, "Norland joins summit", "source-headline", "headline"), None),
    (summary(4, COPY, source_id="cnn-1"), None),  # an imported reference is kept as published
    (summary(4, "Twelve Norland envoys head to Tokyo.\nThe harbor talks could prove costly.", style="short"), None),
    (summary(4, "x", "source-headline", "short"), "a 'source-headline' summary must have style 'headline'"),
    (summary(4, "Norland goes to Tokyo", "source-headline", "headline"),
     "a 'source-headline' summary's text must be the title in meta.json"),
    (summary(4, "x", "tweet"), "unknown source 'tweet' (allowed: written, source-headline)"),
    (summary(4, COPY), "a line of this written reference is a near-paraphrase of an article sentence (ROUGE-2 F1 "
                       "1.000 >= 0.4)"),
    (summary(4, "Twelve Norland envoys head to Tokyo.\nThe summit, organized by the Harbor Council, is expected "
                "to last days.", style="short"), "a line of this written reference is a near-paraphrase"),
    ({"id": "test-article-s004", "style": "short", "text": "One.", "source_id": "x"}, "missing field 'source'"),
])
def test_summary_source_and_paraphrase_rules(tmp_path, record, expected):
    lines = problems_with(tmp_path, summaries=[record])
    if expected is None:
        assert lines == []
    else:
        assert len(lines) == 1 and lines[0].startswith(f"{SUMMARY_FILE}:4: {expected}"), lines


# -- meta.json -----------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, expected", [
    ({"date": None, "dateline": None, "place": None, "license": None, "truncated": []}, None),
    ({"date": "2024-03-04T00:30:00Z", "retrieved": "2024-03-05"}, None),
    ({"date": "Monday"}, "date 'Monday' is not a full ISO 8601 date and time with a UTC offset"),
    ({"date": "2024-03-04T09:30:00"}, "date '2024-03-04T09:30:00' is not a full ISO 8601"),
    ({"date": "2024-13-04T09:30:00+09:00"}, "date '2024-13-04T09:30:00+09:00' is not a full ISO 8601"),
    ({"retrieved": "yesterday"}, "retrieved 'yesterday' is not an ISO 8601 date"),
    ({"title": None}, "field 'title' must be a string, got null"),
    ({"dateline": ""}, "field 'dateline' is empty"),
    ({"truncated": [{"paragraph": 9, "offset": 0, "text": "Critics"}]},
     "truncated[0]: paragraph 9 does not exist (article.txt has 4)"),
    ({"truncated": [{"paragraph": 4, "offset": 3, "text": "Critics"}]},
     'truncated[0]: paragraph 4 does not read "Critics" at offset 3'),
    ({"truncated": [{"paragraph": 0, "offset": 0, "text": "Critics"}]},
     "truncated[0]: 'paragraph' must be a whole number >= 1"),
    ({"truncated": [{"paragraph": 4, "text": "Critics"}]},
     "truncated[0]: must have exactly the fields paragraph, offset, text"),
    ({"truncated": "paragraph 4"}, "field 'truncated' must be a list of objects, got a string"),
    ({"retired": ["test-article-q009", "test-article-s007"]}, None),
    ({"retired": []}, None),
    ({"retired": ["other-article-q009"]}, "retired[0] 'other-article-q009' is not a QA or summary id of this article"),
    ({"retired": ["test-article-q9"]}, "retired[0] 'test-article-q9' is not a QA or summary id of this article"),
    ({"retired": ["test-article-q009", "test-article-q009"]}, "retired[1] 'test-article-q009' is listed twice"),
    ({"retired": "test-article-q009"}, "field 'retired' must be a list of strings, got a string"),
])
def test_meta_rules(tmp_path, changes, expected):
    lines = problems_with(tmp_path, meta={**META, **changes})
    if expected is None:
        assert lines == []
    else:
        assert len(lines) == 1 and lines[0].startswith(f"{META_FILE}: {expected}"), lines


@pytest.mark.parametrize("qa, summaries, expected", [
    ([qa_record(number=5)], [], f"{QA_FILE}:5: id 'test-article-q005' is retired (meta.json 'retired'); ids are "
                                "never reused: give the item a new id"),
    ([], [{**SUMMARIES[0], "id": "test-article-s005"}],
     f"{SUMMARY_FILE}:4: id 'test-article-s005' is retired (meta.json 'retired'); ids are never reused"),
])
def test_a_retired_id_is_never_given_to_an_item_again(tmp_path, qa, summaries, expected):
    lines = problems_with(tmp_path, qa=qa, summaries=summaries,
                          meta={**META, "retired": ["test-article-q005", "test-article-s005"]})
    assert len(lines) == 1 and lines[0].startswith(expected), lines


def test_adding_a_question_never_takes_a_retired_id(tmp_path):
    from harness.gold import add_qa

    gold = make_gold(tmp_path, meta={**META, "retired": ["test-article-q005"]})
    with pytest.raises(GoldInvalid) as refused:
        add_qa(gold, "test-article", question="How long will the summit last?", answers=["three days"],
               evidence=["is expected to last three days"], type="duration")
    assert any("id 'test-article-q005' is retired" in str(p) for p in refused.value.problems)
    assert "test-article-q005" not in (gold / "test-article" / "qa.jsonl").read_text()


# -- judgments.jsonl -----------------------------------------------------------------------------

def judgment(item: str = "test-article-q001", prediction: str = "12", **changes) -> dict:
    return {"id": item, "prediction": prediction, "correct": True, "reason": "the number", "split": "dev",
            "source": "hand", "labelled_by": "the test's author", **changes}


def test_judgments_load_and_stay_out_of_the_hash(tmp_path):
    gold = make_gold(tmp_path)
    before = gold_hash(gold)
    rows = [judgment(), judgment(prediction="13", correct=False, split="heldout"), judgment(prediction="")]
    (gold / "test-article" / "judgments.jsonl").write_text(jsonl(rows))
    loaded = load_gold(gold)
    assert [(j.id, j.prediction, j.correct, j.split) for j in loaded.judgments] == [
        ("test-article-q001", "12", True, "dev"), ("test-article-q001", "13", False, "heldout"),
        ("test-article-q001", "", True, "dev")]
    assert loaded.judgments[0].article_id == "test-article"
    assert loaded.hash == before == gold_hash(gold)


def test_a_judgment_records_who_labelled_it_and_an_optional_note(tmp_path):
    gold = make_gold(tmp_path)
    rows = [judgment(), judgment(prediction="13", correct=False, labelled_by="Ada Lind", note="relabelled: 13 is wrong")]
    (gold / "test-article" / "judgments.jsonl").write_text(jsonl(rows))
    loaded = load_gold(gold)
    assert [(j.labelled_by, j.note) for j in loaded.judgments] == [
        ("the test's author", None), ("Ada Lind", "relabelled: 13 is wrong")]


@pytest.mark.parametrize("row, expected", [
    (judgment(item="test-article-q099"), "judges 'test-article-q099', which is not a QA item of test-article"),
    (judgment(correct="yes"), "field 'correct' must be true or false, got a string"),
    (judgment(correct=1), "field 'correct' must be true or false, got a number"),
    (judgment(split="train"), "unknown split 'train' (allowed: dev, heldout)"),
    (judgment(prediction="12", reason="again"), "the same (id, prediction) is judged twice (first at line 1)"),
    ({k: v for k, v in judgment().items() if k != "source"}, "missing field 'source'"),
    ({k: v for k, v in judgment().items() if k != "labelled_by"}, "missing field 'labelled_by'"),
    (judgment(labelled_by=" "), "field 'labelled_by' is empty"),
    (judgment(labelled_by=None), "field 'labelled_by' must be a string, got null"),
    (judgment(note=""), "field 'note' is empty"),
    (judgment(note=3), "field 'note' must be a string, got a number"),
    (judgment(labeller="me"), "unknown field 'labeller'"),
])
def test_judgment_rules(tmp_path, row, expected):
    gold = make_gold(tmp_path)
    (gold / "test-article" / "judgments.jsonl").write_text(jsonl([judgment(), row]))
    lines = problem_lines(gold)
    assert lines == [f"gold/test-article/judgments.jsonl:2: {expected}"] or \
        (len(lines) == 1 and lines[0].startswith(f"gold/test-article/judgments.jsonl:2: {expected}")), lines


# -- the old format ------------------------------------------------------------------------------

V1_QA = {"id": "test-article-q005", "question": "How long will the summit last?", "answers": ["three days"],
         "evidence": "is expected to last three days", "type": "number"}


def test_old_format_is_one_problem_per_file_naming_the_migration(tmp_path):
    old_meta = {k: META[k] for k in ("id", "title", "source", "place", "origin")} | {"date": "Monday"}
    old_summary = {"id": "test-article-s004", "style": "headline", "text": "Norland joins summit"}
    gold = make_gold(tmp_path, qa=[*QA, V1_QA, {**V1_QA, "id": "test-article-q006", "question": "How long?"}],
                     summaries=[*SUMMARIES, old_summary], meta=old_meta)
    hint = "run `harness gold migrate` to rewrite the gold files in the v2 format (see docs/gold.md)"
    assert problem_lines(gold) == [
        f"{META_FILE}: old gold format (v1 meta.json fields); {hint}",
        f"{QA_FILE}:5: old gold format (v1: a single evidence string and no reasoning; 2 lines); {hint}",
        f"{SUMMARY_FILE}:4: old gold format (v1: no source; 1 line); {hint}",
    ]
    with pytest.raises(GoldInvalid) as caught:
        load_gold(gold)
    assert "\n" not in caught.value.message and "harness gold migrate" in caught.value.message


def test_article_format_problems_do_not_cascade_into_paragraph_rules(tmp_path):
    merged = ARTICLE_TEXT.replace("\n\n", "\n \n", 1)  # paragraphs 1 and 2 no longer separated
    assert len(problem_lines(make_gold(tmp_path, article=merged))) == 1
    assert validate_gold(make_gold(tmp_path)) == []
    json.loads((tmp_path / "gold" / "test-article" / "meta.json").read_text())
