"""Sequence modelling: a recurrent network in numpy predicting the next value of noisy waves.

Each sequence is the sum of two sine waves of random frequencies and phases plus Gaussian
noise; the model reads it one step at a time and predicts the next value. Training is
backpropagation through time with Adam and gradient clipping, written in numpy. The data set is
generated from a fixed seed (it plays the part of a benchmark's data files); the run's seed
changes the weights' initialisation and the order of the batches. Quality target: evaluation
mean squared error of at most 0.013 (``eval_accuracy``, lower is better, as for the loss
targets of the language-model benchmarks), reached in 20-45 epochs (a few seconds on one core).
"""

from __future__ import annotations

import sys

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks_runner.references import mlperf_run

BENCHMARK = "sine_rnn"
QUALITY = mlperf_run.Quality(target=0.013, higher_is_better=False)
MAX_EPOCHS = 100
DATA_SEED = 2024
TRAIN_SEQUENCES, EVAL_SEQUENCES, STEPS = 4096, 512, 40
WARMUP_STEPS = 10
"""The first predictions of a sequence are not scored: the state has seen too little."""
HIDDEN = 24
BATCH_SIZE = 64
LEARNING_RATE = 0.01
BETAS = (0.9, 0.999)
CLIP_NORM = 1.0


def make_waves(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(STEPS + 1)[None, :]
    f1, f2 = rng.uniform(0.05, 0.25, (count, 1)), rng.uniform(0.05, 0.25, (count, 1))
    p1, p2 = rng.uniform(0, 2 * np.pi, (count, 1)), rng.uniform(0, 2 * np.pi, (count, 1))
    mix = rng.uniform(0.3, 0.7, (count, 1))
    waves = mix * np.sin(2 * np.pi * f1 * t + p1) + (1 - mix) * np.sin(2 * np.pi * f2 * t + p2)
    waves += rng.normal(0, 0.05, waves.shape)
    return waves[:, :-1, None], waves[:, 1:, None]


class ElmanRnn:
    def __init__(self, rng: np.random.Generator) -> None:
        self.params = {
            "wx": rng.normal(0, 0.5, (1, HIDDEN)),
            "wh": rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, HIDDEN)),
            "b": np.zeros(HIDDEN),
            "wy": rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, 1)),
            "c": np.zeros(1),
        }
        self._m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._step = 0

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, h, states = self.params, np.zeros((x.shape[0], HIDDEN)), []
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ p["wx"] + h @ p["wh"] + p["b"])
            states.append(h)
        hs = np.stack(states, 1)
        return hs, hs @ p["wy"] + p["c"]

    def train_batch(self, x: np.ndarray, y: np.ndarray) -> None:
        p = self.params
        hs, out = self.forward(x)
        n, steps, _ = x.shape
        dy = 2 * (out - y) / (n * steps)
        grads = {k: np.zeros_like(v) for k, v in p.items()}
        grads["wy"] = np.einsum("nth,nto->ho", hs, dy)
        grads["c"] = dy.sum((0, 1))
        dh_next = np.zeros((n, HIDDEN))
        for t in reversed(range(steps)):
            dz = (dy[:, t] @ p["wy"].T + dh_next) * (1 - hs[:, t] ** 2)
            h_prev = hs[:, t - 1] if t > 0 else np.zeros((n, HIDDEN))
            grads["wx"] += x[:, t].T @ dz
            grads["wh"] += h_prev.T @ dz
            grads["b"] += dz.sum(0)
            dh_next = dz @ p["wh"].T
        norm = np.sqrt(sum(float((g**2).sum()) for g in grads.values()))
        scale = CLIP_NORM / norm if norm > CLIP_NORM else 1.0
        self._step += 1
        b1, b2 = BETAS
        for k, g in grads.items():
            g = g * scale
            self._m[k] = b1 * self._m[k] + (1 - b1) * g
            self._v[k] = b2 * self._v[k] + (1 - b2) * g**2
            m_hat = self._m[k] / (1 - b1**self._step)
            v_hat = self._v[k] / (1 - b2**self._step)
            p[k] -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + 1e-8)

    def mse(self, x: np.ndarray, y: np.ndarray) -> float:
        _, out = self.forward(x)
        return float(np.mean((out[:, WARMUP_STEPS:] - y[:, WARMUP_STEPS:]) ** 2))


def main() -> int:
    args = mlperf_run.parse_args(__doc__ or BENCHMARK, max_epochs=MAX_EPOCHS)
    threadpool_limits(1)
    logger = mlperf_run.open_init()
    data = np.random.default_rng(DATA_SEED)
    x_train, y_train = make_waves(TRAIN_SEQUENCES, data)
    x_eval, y_eval = make_waves(EVAL_SEQUENCES, data)
    mlperf_run.start_logging(
        benchmark=BENCHMARK,
        args=args,
        hyperparameters={
            "global_batch_size": BATCH_SIZE,
            "opt_name": "adam",
            "opt_base_learning_rate": LEARNING_RATE,
            "opt_adam_beta_1": BETAS[0],
            "opt_adam_beta_2": BETAS[1],
            "opt_gradient_clip_norm": CLIP_NORM,
            "model_hidden_units": HIDDEN,
            "max_sequence_length": STEPS,
            "train_samples": TRAIN_SEQUENCES,
            "eval_samples": EVAL_SEQUENCES,
            "max_epochs": args.max_epochs,
            "target_accuracy": QUALITY.target,
        },
    )
    rng = np.random.default_rng(args.seed)
    model = ElmanRnn(rng)

    def train_epoch(_epoch: int) -> None:
        order = rng.permutation(TRAIN_SEQUENCES)
        for start in range(0, TRAIN_SEQUENCES, BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            model.train_batch(x_train[batch], y_train[batch])

    return mlperf_run.train_until_target(
        logger,
        quality=QUALITY,
        max_epochs=args.max_epochs,
        samples_per_epoch=TRAIN_SEQUENCES,
        train_epoch=train_epoch,
        evaluate=lambda: model.mse(x_eval, y_eval),
    )


if __name__ == "__main__":
    sys.exit(main())
