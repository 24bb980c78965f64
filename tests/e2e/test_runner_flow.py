"""A member queues a reference benchmark in the browser, watches its progress bar and accuracy
curve grow while a real runner process trains it, and reads the result with its validation
verdict; the benchmark's page then counts the run towards a score."""

import pytest

from benchmarks_runner.models import Run, RunStatus
from tests.benchmarks_runner.conftest import runner_process
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_member_runs_a_reference_benchmark_and_watches_it_live(page, live_server, member):
    with runner_process("e2e-cpu"):
        login(page, live_server, "member")
        page.goto(f"{live_server.url}/runner/")
        row = page.locator('[data-runner="e2e-cpu"] [data-testid=runner-state]')
        assert row.inner_text() == "online"
        page.select_option("#id_benchmark", "sine_rnn")
        page.fill("#id_hardware_class", "cpu")
        page.click("[data-testid=run-form] button")
        page.wait_for_url("**/runner/runs/*/")

        # While it trains, the page polls: the bar and the curve grow without a reload.
        live = page.locator("[data-testid=progress][data-status=running]")
        live.locator("[data-testid=progress-bar]").wait_for(timeout=90_000)
        live.locator("[data-testid=curve]").wait_for(timeout=60_000)
        first = int(live.locator("[data-testid=curve]").get_attribute("data-points"))
        page.wait_for_function(
            "n => { const c = document.querySelector("
            "'[data-testid=progress][data-status=running] [data-testid=curve]');"
            " return c && Number(c.dataset.points) > n; }",
            arg=first,
            timeout=60_000,
        )

        # When it ends the page reloads with the result.
        page.wait_for_selector("[data-testid=verdict]", timeout=120_000)
        assert "compliant" in page.inner_text("[data-testid=verdict]")
        assert "not compliant" not in page.inner_text("[data-testid=verdict]")
        assert "minutes" in page.inner_text("[data-testid=ttt]")
        run = Run.objects.get()
        assert run.status == RunStatus.SUCCEEDED and run.host.name == "e2e-cpu"
        assert page.inner_text("[data-testid=seed]") == str(run.seed)

        page.click("[data-testid=history-link]")
        assert "1 of 5 runs" in page.inner_text("[data-testid=no-score]")
