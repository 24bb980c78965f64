"""Result logs and packages written with the official ``mlperf_logging.mllog`` logger.

They let the checker tests run without the corpus, for every ruleset we support. The benchmark
is llama2_70b_lora, present in both 5.1.0 and 6.1.0 with the same RCPs (batch size 8), so a
package of ten runs converging in 2688-3456 samples passes the RCP check.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlperf_logging.mllog import constants, mllog

BENCHMARK = "llama2_70b_lora"
RULESETS = ("5.1.0", "6.1.0")
SYSTEM_FIELDS = [
    "submitter", "division", "status", "system_name", "number_of_nodes",
    "host_processors_per_node", "host_processor_model_name", "host_processor_core_count",
    "host_processor_vcpu_count", "host_processor_frequency", "host_processor_caches",
    "host_processor_interconnect", "host_memory_capacity", "host_storage_type",
    "host_storage_capacity", "host_networking", "host_networking_topology",
    "host_memory_configuration", "accelerators_per_node", "accelerator_model_name",
    "accelerator_host_interconnect", "accelerator_frequency", "accelerator_on-chip_memories",
    "accelerator_memory_configuration", "accelerator_memory_capacity", "accelerator_interconnect",
    "accelerator_interconnect_topology", "cooling", "hw_notes", "framework",
    "other_software_stack", "operating_system", "sw_notes",
]  # fmt: skip
# Samples to converge per run: around the 5.1.0/6.1.0 reference points for batch size 8.
CONVERGENCE = (3072, 3456, 3072, 2688, 3072, 3456, 3072, 3072, 3456, 3072)
_MINUTE_MS = 60_000


@dataclass
class RunSpec:
    seed: int
    samples_to_converge: int = 3072
    minutes: float = 10.0
    status: str = "success"
    division: str = "closed"
    org: str = "Acme"
    lora_rank: int = 16
    final_loss: float = 0.92
    extra: dict[str, Any] = field(default_factory=dict)


def _hyperparameters(ruleset: str, lora_rank: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        constants.GLOBAL_BATCH_SIZE: 8,
        constants.GRADIENT_ACCUMULATION_STEPS: 1,
        constants.OPT_BASE_LR: 0.0005,
        "opt_learning_rate_training_steps": 1024,
        "opt_gradient_clip_norm": 0.3,
        "opt_adamw_weight_decay": 0.0001,
        "lora_alpha": 32,
        "lora_rank": lora_rank,
        constants.TRAIN_SAMPLES: 3901,
        constants.EVAL_SAMPLES: 173,
    }
    if ruleset.startswith("6."):
        values.update(
            lowest_numerical_precision_in_linear="fp8",
            lowest_numerical_precision_in_attn="bfloat16",
            lowest_numerical_precision_in_comm="bfloat16",
            tensor_parallelism=1,
            pipeline_parallelism=1,
            context_parallelism=1,
            expert_parallelism=1,
            micro_batch_size=1,
            config_filename="config_acme.sh",
        )
    return values


def write_log(path: Path, ruleset: str, run: RunSpec, *, start_ms: int = 1_760_000_000_000) -> Path:
    """One result log, written line by line through the official MLLogger."""
    logger = logging.getLogger(f"mllog-factory-{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.FileHandler(path)
    logger.addHandler(handler)
    try:
        _write_events(mllog.MLLogger(logger=logger), ruleset, run, start_ms)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path


def _write_events(ml: mllog.MLLogger, ruleset: str, run: RunSpec, t0: int) -> None:
    ml.event(constants.CACHE_CLEAR, value=True, time_ms=t0)
    ml.start(constants.INIT_START, time_ms=t0 + 1)
    for key, value in (
        (constants.SUBMISSION_BENCHMARK, BENCHMARK),
        (constants.SUBMISSION_ORG, run.org),
        (constants.SUBMISSION_DIVISION, run.division),
        (constants.SUBMISSION_STATUS, "onprem"),
        (constants.SUBMISSION_PLATFORM, "1xAcme Box"),
    ):
        ml.event(key, value=value, time_ms=t0 + 2)
    ml.event(constants.SEED, value=run.seed, time_ms=t0 + 3)
    for key, value in {**_hyperparameters(ruleset, run.lora_rank), **run.extra}.items():
        ml.event(key, value=value, time_ms=t0 + 4)
    ml.end(constants.INIT_STOP, time_ms=t0 + 60_000)
    start = t0 + 61_000
    ml.start(constants.RUN_START, time_ms=start)
    stop = start + int(run.minutes * _MINUTE_MS)
    evals = [run.samples_to_converge - 768, run.samples_to_converge - 384, run.samples_to_converge]
    losses = [run.final_loss + 0.04, run.final_loss + 0.02, run.final_loss]
    for index, (samples, loss) in enumerate(zip(evals, losses, strict=True)):
        at = start + (index + 1) * (stop - start) // 4
        meta = {constants.SAMPLES_COUNT: samples}
        ml.start(
            constants.BLOCK_START,
            metadata={**meta, "epoch_count": 1, "first_epoch_num": 0},
            time_ms=at,
        )
        ml.end(constants.BLOCK_STOP, metadata=meta, time_ms=at + 1)
        ml.start(constants.EVAL_START, metadata=meta, time_ms=at + 2)
        ml.event(constants.EVAL_ACCURACY, value=loss, metadata=meta, time_ms=at + 3)
        ml.end(constants.EVAL_STOP, metadata=meta, time_ms=at + 4)
    ml.end(constants.RUN_STOP, metadata={constants.STATUS: run.status}, time_ms=stop)


def system_description(org: str, system: str, division: str = "closed") -> dict[str, str]:
    description = {name: "" for name in SYSTEM_FIELDS}
    description.update(
        submitter=org,
        division=division,
        status="Available on-premise",
        system_name=f"{system} (1x Acme Box)",
        number_of_nodes="1",
        host_processors_per_node="2",
        host_processor_model_name="Acme CPU",
        host_processor_core_count="64",
        accelerators_per_node="8",
        accelerator_model_name="Acme Accelerator",
        framework="Acme Framework 1.0",
    )
    return description


def default_runs(count: int = 10) -> list[RunSpec]:
    return [
        RunSpec(
            seed=1000 + index,
            samples_to_converge=CONVERGENCE[index % 10],
            minutes=10 + index * 0.25,
        )
        for index in range(count)
    ]


def write_package(
    root: Path,
    ruleset: str,
    *,
    org: str = "Acme",
    system: str = "acme_box",
    runs: list[RunSpec] | None = None,
    division: str = "closed",
) -> Path:
    """An organisation folder with one system and one llama2_70b_lora benchmark folder."""
    org_dir = root / org
    (org_dir / "systems").mkdir(parents=True, exist_ok=True)
    (org_dir / "systems" / f"{system}.json").write_text(
        json.dumps(system_description(org, system, division), indent=2)
    )
    folder = org_dir / "results" / system / BENCHMARK
    folder.mkdir(parents=True, exist_ok=True)
    for index, run in enumerate(runs if runs is not None else default_runs()):
        write_log(
            folder / f"result_{index}.txt", ruleset, run, start_ms=1_760_000_000_000 + index * 10**8
        )
    return org_dir
