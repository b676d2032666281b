"""Gold data: the schema of gold/<article-id>/, validation, loading (also as `datasets`),
authoring (add-qa, add-summary, add-article, import), review, migration, SQuAD export."""

from ._articles import ImportOptions, add_article
from ._files import gold_hash
from ._import import FORMATS, Imported, import_dataset, import_items
from ._migrate import Migrated, migrate_gold
from ._model import Article, Gold, Judgment, QAItem, SummaryRef
from ._read import load_gold, validate_gold
from ._review import Review, review_gold
from ._rules import QA_TYPES, REASONING, STYLES, SUMMARY_SOURCES, GoldInvalid, Problem, format_problems
from ._squad import check_export_output, export_squad
from ._stats import gold_stats, qa_dataset, summarization_dataset, summarize_counts
from ._write import add_qa, add_summary, known_articles

__all__ = [
    "FORMATS", "Article", "Gold", "GoldInvalid", "ImportOptions", "Imported", "Judgment", "Migrated", "Problem",
    "QAItem", "QA_TYPES", "REASONING", "Review", "STYLES", "SUMMARY_SOURCES", "SummaryRef", "add_article",
    "add_qa", "add_summary", "check_export_output", "export_squad", "format_problems", "gold_hash", "gold_stats",
    "import_dataset", "import_items", "known_articles", "load_gold", "migrate_gold", "qa_dataset", "review_gold",
    "summarization_dataset", "summarize_counts", "validate_gold",
]
