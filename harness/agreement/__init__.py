"""Agreement of the harness's metrics with people's judgments (`harness agreement`)."""

from harness.agreement._summary import format_result, json_result, measure
from harness.agreement._summary_readers import FORMATS as SUMMARY_FORMATS

__all__ = ["SUMMARY_FORMATS", "format_result", "json_result", "measure"]
