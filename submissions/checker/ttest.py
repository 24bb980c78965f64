"""The one SciPy function the official RCP checker calls, without importing scipy.stats.

``RCP_Checker._find_p_value`` runs ``scipy.stats.ttest_ind_from_stats`` hundreds of times while
it builds its reference points. Importing scipy.stats costs about half a second, more than a
whole package check. This is SciPy's own computation (``_equal_var_ttest_denom``,
``_ttest_ind_from_stats`` and ``_SimpleStudentT.sf`` of SciPy 1.17) on the same NumPy and
``scipy.special`` operations, so it returns bit-identical values; a property test holds it to
scipy.stats on random inputs.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np


def ttest_ind_from_stats(
    mean1: Any, std1: Any, nobs1: Any, mean2: Any, std2: Any, nobs2: Any, equal_var: bool = True
) -> tuple[Any, Any]:
    """Two-sided t-test for the means of two independent samples, from their statistics."""
    if not equal_var:
        raise NotImplementedError("the RCP checker only uses the pooled-variance test")
    # Imported here: with the precomputed reference points (rcp_points.json) most runs never
    # need a t-test, and scipy.special costs more to import than a package check.
    from scipy import special

    mean1, std1, mean2, std2 = (np.asarray(x) for x in (mean1, std1, mean2, std2))
    v1 = np.where(np.asarray(nobs1 == 1), 0.0, std1**2)
    v2 = np.where(np.asarray(nobs2 == 1), 0.0, std2**2)
    df = nobs1 + nobs2 - 2.0
    svar = ((nobs1 - 1) * v1 + (nobs2 - 1) * v2) / df
    denom = np.sqrt(svar * (1.0 / nobs1 + 1.0 / nobs2))
    df = np.asarray(df, dtype=denom.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.divide(mean1 - mean2, denom)
    prob = 2 * special.stdtr(np.asarray(df, dtype=t.dtype), -np.abs(t))
    return (t[()] if t.ndim == 0 else t), (prob[()] if prob.ndim == 0 else prob)


SCIPY = SimpleNamespace(stats=SimpleNamespace(ttest_ind_from_stats=ttest_ind_from_stats))
"""Stands in for the ``scipy`` module inside the official ``_find_p_value``."""
