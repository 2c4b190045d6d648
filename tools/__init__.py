"""Developer tools kept beside the package, not in it: the stroke replay shared by tests,
benchmarks and tools (:mod:`tools.replay`), the screenshot maker (``tools/screenshots.py``)
and a private X display for them (:mod:`tools.xvfb`)."""
