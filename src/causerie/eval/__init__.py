"""`causerie eval`: a scorecard on real benchmark files, for any model, with skill prompts versus plain ones.

- `data.py` reads dataset files (JSONL, JSON, gzip, TSV) and picks the dev or held-out half.
- `metrics.py` holds the scores (sacrebleu, rouge-score with a French-aware tokenizer, pass@1, exact number).
- `tasks/` has one file per task family, shaped alike: rows in, one record per row out, one summary.
- `runner.py` runs a task with a progress bar, caches each row's record (runs resume), writes the summary.
- `report.py` turns summaries into a Markdown table and a PNG plot.
"""
