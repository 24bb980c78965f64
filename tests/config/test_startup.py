"""Starting Django (every manage.py command, every web process) stays cheap: the checkers,
NumPy and SciPy are imported only by the processes that check packages."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("mlperf_logging", "numpy", "scipy", "submissions.checker.package_check")


def test_loading_the_apps_urls_and_tasks_imports_no_checker_numpy_or_scipy():
    code = (
        "import json, sys, django; django.setup();"
        "import config.urls, submissions.tasks, submissions.services.processing;"
        "from django.core.management import call_command; call_command('check');"
        # Loaded modules only (checker/__init__ parks a stand-in for scipy.stats, no file).
        "loaded = [m for m, mod in sys.modules.items() if getattr(mod, '__file__', None)];"
        f"print(json.dumps([m for m in loaded if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r}]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "config.settings_test", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
