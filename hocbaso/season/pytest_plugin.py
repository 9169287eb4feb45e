"""The test suite's engine: tasks run inline where they are enqueued.

Loaded with ``-p`` (pyproject.toml) before pytest-django reads the settings, so
existing tests that submit and read the answer at once keep doing so; the tests of
the engine itself switch to the database backend and run real workers. Subprocess
installations inherit it unless they set HOCBASO_TASKS_BACKEND themselves.
"""

import os

os.environ.setdefault("HOCBASO_TASKS_BACKEND", "immediate")
