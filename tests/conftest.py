"""Fixed seeds (STYLE.md): Hypothesis draws the same examples on every run, so CI is
deterministic; set HYPOTHESIS_PROFILE=explore to search with fresh random examples."""

import os

from hypothesis import settings

settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
