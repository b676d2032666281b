"""Agreement of the harness's metrics with people's judgments (`harness agreement`). Judged
summaries: harness.agreement._summary (measure, format_result, json_result), read by
harness.agreement._summary_readers; the command's arguments: harness.agreement._summary_cli."""
