"""What the benches share: :mod:`.server` (the app on a free :mod:`.ports` port), :mod:`.processes` and
:mod:`.sampling` (CPU seconds and memory of a process tree), :mod:`.statistics` (percentiles), :mod:`.machine`
(the load line printed before and after) and :mod:`.browser` (the headless Chromium the e2e tests use too)."""
