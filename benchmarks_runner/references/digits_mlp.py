"""Image classification: a two-layer perceptron on scikit-learn's 8x8 handwritten digits.

The data set ships inside scikit-learn (1,797 images), so the benchmark needs no download. The
evaluation split is fixed, like a benchmark's validation set; the seed changes the weights'
initialisation and the order of the training samples. Quality target: evaluation accuracy of
at least 0.97, reached in 8-30 epochs (about a second on one core).
"""

from __future__ import annotations

import sys

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks_runner.references import mlperf_run

BENCHMARK = "digits_mlp"
QUALITY = mlperf_run.Quality(target=0.97, higher_is_better=True)
MAX_EPOCHS = 60
EVAL_SAMPLES = 360
BATCH_SIZE = 32
LEARNING_RATE = 0.01
MOMENTUM = 0.9
HIDDEN = (256, 128)


def main() -> int:
    args = mlperf_run.parse_args(__doc__ or BENCHMARK, max_epochs=MAX_EPOCHS)
    threadpool_limits(1)
    logger = mlperf_run.open_init()
    # Imported after init_start: loading scikit-learn is part of the initialisation.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    images, labels = load_digits(return_X_y=True)
    images = images / 16.0
    x_train, x_eval, y_train, y_eval = train_test_split(
        images, labels, test_size=EVAL_SAMPLES, random_state=0, stratify=labels
    )
    mlperf_run.start_logging(
        benchmark=BENCHMARK,
        args=args,
        hyperparameters={
            "global_batch_size": BATCH_SIZE,
            "opt_name": "sgd",
            "opt_base_learning_rate": LEARNING_RATE,
            "opt_momentum": MOMENTUM,
            "model_hidden_units": list(HIDDEN),
            "train_samples": len(x_train),
            "eval_samples": len(x_eval),
            "max_epochs": args.max_epochs,
            "target_accuracy": QUALITY.target,
        },
    )
    model = MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        solver="sgd",
        learning_rate_init=LEARNING_RATE,
        momentum=MOMENTUM,
        batch_size=BATCH_SIZE,
        alpha=1e-4,
        random_state=args.seed,
    )
    order = np.random.default_rng(args.seed)
    classes = np.arange(10)

    def train_epoch(_epoch: int) -> None:
        shuffled = order.permutation(len(x_train))
        model.partial_fit(x_train[shuffled], y_train[shuffled], classes=classes)

    return mlperf_run.train_until_target(
        logger,
        quality=QUALITY,
        max_epochs=args.max_epochs,
        samples_per_epoch=len(x_train),
        train_epoch=train_epoch,
        evaluate=lambda: model.score(x_eval, y_eval),
    )


if __name__ == "__main__":
    sys.exit(main())
