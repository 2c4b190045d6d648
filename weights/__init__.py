"""The shipped weights, installed as the resource package ``digitpad.weights``.

This folder stays at the top of the source tree; ``pyproject.toml`` maps it onto
``digitpad.weights`` (``package-dir``), so a wheel, a ``--user`` install and an editable
install all carry it where :func:`importlib.resources.files` finds it, and
:func:`digitpad.dirs.shipped_weights_dir` needs to know no install layout. Only the
``.npz`` files are package data (the five nets and ``notdigit.npz``, the not-a-digit
detector): the app and the CLI load nothing else. ``K1.weights.h5``
and ``K1.json`` (Keras' weights and their description, for training with
``--teacher-runtime keras`` and for tests) travel in the source distribution only.
"""
