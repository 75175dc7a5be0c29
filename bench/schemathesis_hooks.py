"""schemathesis hooks for `bench/fuzz.sh`: generated requests stay cheap for a real model (tests/fuzz_caps.py)."""

import os
import sys
from pathlib import Path

import schemathesis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fuzz_caps import cap  # noqa: E402 - found through the line above

SLOTS = int(os.environ.get("FUZZ_SLOTS", "4"))


@schemathesis.hook
def map_case(context, case):  # noqa: ARG001 - schemathesis passes its context
    return cap(case, SLOTS)
