#!/usr/bin/env bash
# The default model's French scorecard (docs/scorecard.md): every task on the dev split, skill versus naive
# prompt, and the fix loop versus one shot. Interrupted? Run it again: every run resumes from its cache.
#   EVAL_DATA=../shared/eval-data bench/scorecard.sh            (about 1.5 h on 2 cores)
# Limits keep the run short on a 2-core laptop; raise them (or drop --limit) for tighter error bars.
set -euo pipefail
cd "$(dirname "$0")/.."
CAUSERIE=${CAUSERIE:-.venv/bin/causerie}
DATA=${EVAL_DATA:-../shared/eval-data}
OUT=${OUT:-docs/scorecard/runs}
MODEL=${MODEL:-qwen2.5-coder-1.5b-instruct}
TEXT_ROWS=${TEXT_ROWS:-40}
CODE_ROWS=${CODE_ROWS:-40}
# Four fix loops at once can hold about 12k tokens: a larger shared context than the 8k default.
export CAUSERIE_CONTEXT_SIZE=${CAUSERIE_CONTEXT_SIZE:-16384}
run() { "$CAUSERIE" --lang en eval run "$@" --model "$MODEL" --data "$DATA" --out "$OUT" --split dev; }

for mode in --skill --naive; do
  run flores-en-fr --limit "$TEXT_ROWS" $mode
  run flores-fr-en --limit "$TEXT_ROWS" $mode
  run ntrex-en-fr --limit "$TEXT_ROWS" $mode
  run mgsm-fr --limit "$TEXT_ROWS" $mode
  run humaneval $mode                       # all 82 dev tasks
done
run humanevalfix --limit "$CODE_ROWS" --naive
run humanevalfix --limit "$CODE_ROWS" --skill --attempts 1
run humanevalfix --limit "$CODE_ROWS" --skill --attempts 3
run quixbugs --naive                        # all 20 dev tasks
run quixbugs --skill --attempts 1
run quixbugs --skill --attempts 3
for mode in --skill --naive; do
  run orangesum --limit "$TEXT_ROWS" $mode
  run mbpp --limit "$CODE_ROWS" $mode
done
"$CAUSERIE" --lang en eval report --runs "$OUT" --out docs/scorecard/table.md --plot docs/scorecard/scorecard.png
