"""Demographic prior vectors for users the model has never seen.

A prior is the mean trained user vector of a demographic group. Groups run from fine to coarse:
(gender, age, occupation), (gender, age), (gender), everyone; a lookup takes the finest group with
enough trained users behind it.
"""

from __future__ import annotations

import numpy as np

MIN_USERS = 5


def group_keys(gender: str, age: int, occupation: int) -> list[str]:
    """Keys of the groups a user belongs to, finest first."""
    return [f"g={gender},a={age},o={occupation}", f"g={gender},a={age}", f"g={gender}", ""]


def demographic_priors(vectors: np.ndarray, genders, ages, occupations) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean vector and size of every demographic group present among the trained users."""
    members: dict[str, list[int]] = {}
    for row, (g, a, o) in enumerate(zip(genders, ages, occupations)):
        for key in group_keys(str(g), int(a), int(o)):
            members.setdefault(key, []).append(row)
    keys = sorted(members)
    means = np.stack([vectors[members[k]].mean(axis=0) for k in keys]).astype(np.float32)
    counts = np.array([len(members[k]) for k in keys], np.int64)
    return np.array(keys), means, counts


def lookup(index: dict[str, int], vectors: np.ndarray, counts: np.ndarray, gender: str, age: int,
           occupation: int, min_users: int = MIN_USERS) -> np.ndarray:
    """The prior of the finest group with at least `min_users` members (everyone's mean at worst).

    `index` maps group keys to rows of `vectors` and `counts`.
    """
    for key in group_keys(gender, age, occupation):
        i = index.get(key)
        if i is not None and (counts[i] >= min_users or key == ""):
            return vectors[i]
    raise LookupError("the artifacts hold no population prior")
