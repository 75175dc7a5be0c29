#!/usr/bin/env bash
# The default model's French scorecard (docs/scorecard.md): every task on the dev split, skill versus naive
# prompt, and the fix loop versus one shot.
#   EVAL_DATA=../shared/eval-data bench/scorecard.sh
# ROWS rows per task and variant (default 20: about an hour for the text and generation cells on 2 cores,
# and as much again for the fix loops; see docs/scorecard.md). Runs resume from their cache, so a larger
# ROWS later only runs the new rows: ROWS=100 bench/scorecard.sh extends a 20-row scorecard.
set -euo pipefail
cd "$(dirname "$0")/.."
CAUSERIE=${CAUSERIE:-.venv/bin/causerie}
DATA=${EVAL_DATA:-../shared/eval-data}
OUT=${OUT:-docs/scorecard/runs}
MODEL=${MODEL:-qwen2.5-coder-1.5b-instruct}
ROWS=${ROWS:-20}
TRANSLATION_ROWS=${TRANSLATION_ROWS:-100}  # about 3 s a row: 100 rows per cell stay cheap
# Four fix loops at once can hold about 12k tokens: a larger shared context than the 8k default.
export CAUSERIE_CONTEXT_SIZE=${CAUSERIE_CONTEXT_SIZE:-16384}
run() { "$CAUSERIE" --lang en eval run "$@" --model "$MODEL" --data "$DATA" --out "$OUT" --split dev --limit "${LIMIT:-$ROWS}"; }
translation() { LIMIT=$TRANSLATION_ROWS run "$@"; }
report() { "$CAUSERIE" --lang en eval report --runs "$OUT" --out docs/scorecard/table.md --plot docs/scorecard/scorecard.png; }

# In order of what matters most to a French user, with a report after each family (a cut-short run still
# leaves a scorecard of what finished).
translation flores-en-fr --skill; translation flores-en-fr --naive; report
run humaneval --skill; run humaneval --naive; report
run humanevalfix --naive; run humanevalfix --skill --attempts 1; run humanevalfix --skill --attempts 3; report
run mgsm-fr --skill; run mgsm-fr --naive; report
run orangesum --skill; run orangesum --naive; report
translation flores-fr-en --skill; translation flores-fr-en --naive; report
translation ntrex-en-fr --skill; translation ntrex-en-fr --naive; report
run quixbugs --naive; run quixbugs --skill --attempts 1; run quixbugs --skill --attempts 3; report
run mbpp --skill; run mbpp --naive; report
