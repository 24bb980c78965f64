from django.apps import AppConfig


class BenchmarksRunnerConfig(AppConfig):
    name = "benchmarks_runner"
    verbose_name = "Benchmark runner"
