"""Gold data: the schema of gold/<article-id>/, validation, loading (also as `datasets`), authoring."""

from ._authoring import add_qa, add_summary, import_items, known_articles
from ._datasets import qa_dataset, summarization_dataset
from ._load import load_gold
from ._model import Article, Gold, QAItem, SummaryRef
from ._problem import GoldInvalid, Problem, format_problems
from ._schema import QA_TYPES, STYLES
from ._stats import gold_stats, summarize_counts
from ._tree import gold_hash
from ._validate import validate_gold

__all__ = [
    "Article", "Gold", "GoldInvalid", "Problem", "QAItem", "QA_TYPES", "STYLES", "SummaryRef",
    "add_qa", "add_summary", "format_problems", "gold_hash", "gold_stats", "import_items",
    "known_articles", "load_gold", "qa_dataset", "summarization_dataset", "summarize_counts",
    "validate_gold",
]
