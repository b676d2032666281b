"""Gold data: the schema of gold/<article-id>/, validation, loading (also as `datasets`), authoring."""

from ._model import Article, Gold, QAItem, SummaryRef
from ._read import gold_hash, load_gold, validate_gold
from ._rules import QA_TYPES, STYLES, GoldInvalid, Problem, format_problems
from ._stats import gold_stats, qa_dataset, summarization_dataset, summarize_counts
from ._write import add_qa, add_summary, import_items, known_articles

__all__ = [
    "Article", "Gold", "GoldInvalid", "Problem", "QAItem", "QA_TYPES", "STYLES", "SummaryRef",
    "add_qa", "add_summary", "format_problems", "gold_hash", "gold_stats", "import_items",
    "known_articles", "load_gold", "qa_dataset", "summarization_dataset", "summarize_counts",
    "validate_gold",
]
