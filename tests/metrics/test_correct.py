"""`correct`: each rule of docs/metrics.md with answers that must pass it and answers that must
not, and the rule each verdict names."""

from __future__ import annotations

import pytest

from harness.metrics import judge
from harness.tasks._extraction import extract_answer
from harness.metrics._answer_forms import answer_form


def verdict(raw: str, references: list[str], question: str = "What?", abstained: bool = False):
    return judge(extract_answer(raw), references, question, abstained)


@pytest.mark.parametrize(("raw", "gold", "question"), [
    ("over 10,000", "more than 10,000", "How many laborers are being sent home?"),
    ("the United Nations", "U.N.", "Which body passed the sanctions?"),
    ("UN", "United Nations", "Which body passed the sanctions?"),
    ("2", "two", "How many urgent concerns does Kim have?"),
    ("ten thousand", "10,000", "How many laborers?"),
    ("ten times", "tenfold", "By how much does Kim want trade to grow?"),
    ("10-fold", "tenfold", "By how much?"),
    ("10x", "ten times", "By how much?"),
    ("$1 billion", "1 billion dollars", "What is the trade target?"),
    ("Kim Jong-il", "Kim Jong Il", "Who was Kim's father?"),
    ("1950 to 1953", "1950-53", "When was the Korean War fought?"),
    ("from 1950 until 1953", "1950-53", "When was the Korean War fought?"),
    ("In the year 2000", "2000", "When did Putin first visit?"),
    ("In February.", "February", "When was the Hanoi summit?"),
    ("Feb.", "February", "When was the Hanoi summit?"),
    ("The answer is China.", "China", "Which country is North Korea's biggest trade partner?"),
    ("the second", "2nd", "Which summit failed?"),
])
def test_equal_in_canonical_form(raw, gold, question):
    result = verdict(raw, [gold], question)
    assert result.correct and result.rule.startswith("equals"), result


@pytest.mark.parametrize(("raw", "gold", "question"), [
    ("4 summits", "four", "How many summits has Kim held with Xi?"),
    ("Hanoi, Vietnam", "Hanoi", "Where did the second Trump summit take place?"),
    ("Kim's primary concern is improving his country's economy.", "improving his country's economy",
     "What is Kim's primary concern?"),
    ("They met in Hanoi.", "Hanoi", "Where did Kim and Trump meet?"),
    ("In 2011, Medvedev met Kim Jong Il.", "2011", "When did Medvedev meet Kim Jong Il?"),
])
def test_a_short_answer_holding_the_gold_answer(raw, gold, question):
    result = verdict(raw, [gold], question)
    assert result.correct and result.rule.startswith("contains"), result


def test_a_title_and_part_of_the_name():
    assert verdict("President Xi", ["Xi Jinping"], "Who?").correct
    assert not verdict("Xi", ["Xi Jinping"], "Who?").correct  # no title: could be anyone called Xi
    assert not verdict("President Trump", ["Xi Jinping"], "Who?").correct


@pytest.mark.parametrize(("raw", "gold", "rule"), [
    ("Moscow or Vladivostok", "Vladivostok", "hedges"),
    ("Vladivostok, or possibly Moscow", "Vladivostok", "hedges"),
    ("Moscow, Beijing, Vladivostok", "Vladivostok", "lists several guesses"),
    ("50,000", "more than 10,000", "gives 50000"),
    ("five", "four", "gives 5"),
    ("in 2012", "2011", "gives 2012"),
    ("North Korea", "South Korea", "matches no accepted answer"),
    ("fewer than 10,000", "more than 10,000", "matches no accepted answer"),
    ("", "Hanoi", "empty answer"),
])
def test_wrong_answers_are_wrong_and_say_why(raw, gold, rule):
    result = verdict(raw, [gold], "Where or how many?")
    assert not result.correct and rule in result.rule, result


SENTENCE = ("When North Korean leader Kim Jong Un meets with Russian President Vladimir Putin for their "
            "first one-on-one meeting, he will have a long wish list and a strong desire to notch a win "
            "after the failure of his second summit with President Donald Trump.")


def test_a_sentence_around_the_answer_gives_it_but_a_page_does_not():
    gold = ["the failure of his second summit with President Donald Trump"]
    question = "Why is Kim eager to notch a win in his talks with Putin?"
    assert verdict(SENTENCE, gold, question).correct
    page = " ".join([SENTENCE.rstrip(".")] * 3)
    assert not verdict(page, gold, question).correct


@pytest.mark.parametrize(("raw", "gold", "rule"), [
    ("China and Japan", "China", "names another candidate"),
    ("19 months", "19 years", "gives 1.583333"),
    ("Very certain; Putin has promised to help.", "not certain", "matches no accepted answer"),
])
def test_another_candidate_another_unit_or_a_lost_negation_are_wrong(raw, gold, rule):
    result = verdict(raw, [gold, "19"] if "years" in gold else [gold], "How long? Which? How certain?")
    assert not result.correct and rule in result.rule, result


def test_spacing_of_a_romanized_name_does_not_matter_and_an_answer_that_sounds_like_abstaining_can_be_right():
    assert verdict("Chong-jin", ["Chongjin"]).correct
    assert judge("Unclear.", ["unclear", "not entirely clear"], "How certain is it?", abstained=True).correct


@pytest.mark.parametrize(("raw", "gold", "correct"), [
    ("No, he is not.", "no", True), ("no", "no", True), ("Yes.", "no", False),
    ("Yes, he plans to.", "yes", True), ("He does not want to anger China.", "no", False),
])
def test_yes_no_by_polarity(raw, gold, correct):
    result = verdict(raw, [gold])
    assert result.correct is correct and "yes" in result.rule


def test_unanswerable_items_are_right_only_when_the_model_abstains():
    assert not judge("I don't know", ["Hanoi"], "Where?", abstained=True).correct
    assert verdict("The article does not say.", [], abstained=True).correct
    assert not verdict("Vladivostok", [], abstained=False).correct
    assert not verdict("The article does not say.", ["Hanoi"], abstained=True).correct


def test_aliases_of_the_gold_item_extend_the_table():
    assert verdict("the DMZ", ["the demilitarized zone", "the DMZ"]).correct
    assert not verdict("the DMZ", ["the demilitarized zone"]).correct


@pytest.mark.parametrize(("text", "form"), [
    ("U.S.-backed", "united states backed"), ("US$2 million", "2000000 dollar"), ("1.5bn", "1500000000"),
    ("South America", "south america"), ("Prime Minister Shinzo Abe", "shinzo abe"), ("the president", "president"),
    ("a thousand", "1000"), ("one hundred and five", "105"),
])
def test_canonical_forms(text, form):
    assert answer_form(text).text == form


@pytest.mark.parametrize(("raw", "gold", "question", "correct"), [
    ("It has not been announced yet.", "no", "Has the exact date of the meeting been announced?", True),
    ("The date has been announced.", "no", "Has the exact date of the meeting been announced?", False),
    ("Moscow.", "no", "Has the exact date of the meeting been announced?", False),
    ("The article does not say.", "no", "Has the exact date of the meeting been announced?", False),
])
def test_a_statement_answers_a_yes_no_question_by_its_negation(raw, gold, question, correct):
    result = judge(extract_answer(raw), [gold], question, abstained=raw.startswith("The article does not"))
    assert result.correct is correct, result


@pytest.mark.parametrize(("raw", "gold"), [
    ("nearly 18 months", "nearly a year and a half"), ("1.5 years", "18 months"),
    ("more than 2,000 tonnes", "more than 2,000 tons"), ("50%", "50 percent"),
])
def test_durations_and_units_in_other_words(raw, gold):
    assert verdict(raw, [gold]).correct


def test_content_words_must_stand_together_and_most_of_them_may_do():
    scattered = "Relations between North Korea and Moscow go back to the foundation of the Kim dynasty."
    assert not verdict(scattered, ["the foundation of North Korea"], "How far back do relations go?").correct
    assert verdict("a desire to notch a win", ["a strong desire to notch a win"], "What does Kim have?").correct
    assert not verdict("a win", ["a strong desire to notch a win"], "What does Kim have?").correct


@pytest.mark.parametrize(("raw", "gold", "question"), [
    ("The Aztec ruler when the Spanish arrived was Montezuma II.", "Moctezuma II", "Who was the Aztec ruler?"),
    ("The Central Powers defeated the Russian Empire on the Eastern Front.", "Russia", "Whom did they defeat?"),
    ("It usually airs around the holidays in the United States.", "the holiday season", "When does it air?"),
])
def test_a_sentence_with_the_accepted_words_or_their_variants_is_correct(raw, gold, question):
    found = verdict(raw, [gold], question)
    assert found.correct, found.rule
    assert "variants" in found.rule


@pytest.mark.parametrize(("raw", "gold", "question"), [
    ("The age of new media began in the 1990s.", "the 1980s", "When did it begin?"),  # digits are only themselves
    ("It never airs around the holidays.", "the holiday season", "When does it air?"),  # a negation
    ("Relations go back to the founding of the Kim family's rule.", "the foundation of North Korea",
     "How far back do relations go?"),  # a name lacks a word
    ("Germany is part of Europe.", "the Gupta Empire", "Which dynasty?"),  # too short for a variant
])
def test_variants_do_not_stretch_to_other_numbers_negations_or_names(raw, gold, question):
    found = verdict(raw, [gold], question)
    assert not found.correct, found.rule


@pytest.mark.parametrize(("raw", "gold"), [
    ("The tour started on April 1, 20161. The tour featured Slash.", "April 1, 2016"),
    ("It was released onMarch 24th, 20171. It is on Netflix.", "March 24, 2017"),
    ("It was adopted by the General Assembly in November 19891", "November 1989"),
    ("The ban came into effect in19971. The same applies to schools.", "1997"),
    ("The minimum amount is$75,0001. For a review it is lower.", "$75,000"),
])
def test_a_citation_mark_glued_to_a_year_or_a_grouped_number_is_dropped(raw, gold):
    found = verdict(raw, [gold])
    assert found.correct, found.rule


@pytest.mark.parametrize(("text", "form"), [
    ("in 20000 BC", "20000 bc"),  # no month, no lost space: a number, not a year with a mark
    ("May 12345 people came", "may 12345 people came"),  # not where a footnote mark stands
    ("October 24, 2017", "october 24 2017"),
    ("It cost 1,000,000.", "it cost 1000000"),
])
def test_numbers_that_carry_no_citation_mark_keep_their_digits(text, form):
    assert answer_form(text).text == form


@pytest.mark.parametrize(("raw", "gold", "correct"), [
    ("Kate Walsh played Addison Shepherd.", "Kathleen Erin Walsh", True),
    ("The monkey was played by Pat Walshe.", "Patrick Walshe", True),
    ("Johnny Crawford", "John Ernest Crawford", True),
    ("Kathleen Walsh", "Kate Walsh", True),  # the other way round
    ("Kate Winslet played her.", "Kathleen Erin Walsh", False),  # the family name differs
    ("Tom Walsh played her.", "Kathleen Erin Walsh", False),  # no familiar form of Kathleen
    ("It was not Kate Walsh.", "Kathleen Erin Walsh", False),  # negated
])
def test_a_familiar_form_of_the_given_name_names_the_person(raw, gold, correct):
    found = verdict(raw, [gold], "Who played her?")
    assert found.correct is correct, found.rule


def test_the_name_after_a_title_of_an_accepted_answer_names_the_person():
    found = verdict("John F. Kennedy", ["U.S. President John F. Kennedy"], "Who spoke the words?")
    assert found.correct and found.rule == "names 'john f kennedy' of 'U.S. President John F. Kennedy'", found
    assert not verdict("Robert F. Kennedy", ["U.S. President John F. Kennedy"], "Who spoke the words?").correct


@pytest.mark.parametrize(("raw", "gold", "correct"), [
    ("It was released on November 16, 1968.", "November 8, 1968", False),  # another day of the month
    ("His salary was $2.3 million.", "$84.3 million", False),  # another amount
    ("It happened at the end of Season 4.", "the fourth season", True),  # the ordinal of the same number
    ("It is celebrated on March 15th every year.", "15 March every year", True),
    ("It happened in the final episode of Season 3.", "the fourth season", False),
])
def test_variants_hold_every_number_and_month_of_the_accepted_answer(raw, gold, correct):
    found = verdict(raw, [gold], "When?")
    assert found.correct is correct, found.rule


@pytest.mark.parametrize(("raw", "answer"), [
    ("combine\n\nThe fastest time at the NFL Combine is 4.22 seconds, by John Ross.",
     "The fastest time at the NFL Combine is 4.22 seconds, by John Ross"),
    ("of allegiance\n\nThe words were added in 1954.", "The words were added in 1954"),
    ("Paris\n\nParis is the capital.", "Paris"),  # a capitalized first line is the answer
    ("paris\nThe capital.", "paris"),  # no empty line between them
    ("a lower case first line of many words\n\nThe answer.", "a lower case first line of many words"),
    ("beijing.\n\nBeijing it is.", "beijing"),  # a sentence end: an answer, not a fragment
])
def test_a_completion_models_fragment_of_the_question_is_skipped(raw, answer):
    assert extract_answer(raw) == answer


@pytest.mark.parametrize(("raw", "gold", "correct"), [
    ("It was released on July 10, 1979.", ["1979", "21 July 1979"], False),  # the right year, another day
    ("It was released on July 21st, 1979.", ["1979", "21 July 1979"], True),
    ("It was released in July 1979.", ["1979", "21 July 1979"], True),  # no day: the month agrees
    ("It joined on 5 September 2016.", ["April 2016", "2016"], False),  # another month of that year
    ("It came out on April 20, 2018.", ["2018", "March 12, 2013"], True),  # the date of another accepted year
    ("It may 2018 be out.", ["2018", "March 12, 2013"], True),  # "may" here names no month of 2013
])
def test_a_date_of_the_accepted_year_must_agree_with_the_accepted_date(raw, gold, correct):
    found = verdict(raw, gold, "When was it released?")
    assert found.correct is correct, found.rule
