"""Reference assignments for tests and benchmarks only (the runtime add-on
solves with ``tools/transfer_assignment.solve``): the greedy heuristic and the
exact optimum with scipy's LP solver, which is a test/bench requirement
(requirements/test.txt, requirements/bench.txt), not the add-on's."""
import numpy as np

from odoo.addons.closure_crm.tools.transfer_assignment import NO_RECEIVER, clip_capacity


def greedy_assign(cand_r, cand_s, capacity):
    """Reference heuristic: edges by descending score, taken while capacity lasts."""
    n_cases, k = cand_s.shape
    assign = np.full(n_cases, NO_RECEIVER, dtype=np.int64)
    left = clip_capacity(capacity, n_cases)
    for idx in np.argsort(-cand_s, axis=None, kind='stable'):
        c, j = divmod(int(idx), k)
        s = cand_s[c, j]
        if not np.isfinite(s) or s <= 0:
            break
        r = cand_r[c, j]
        if assign[c] == NO_RECEIVER and left[r] > 0:
            assign[c] = r
            left[r] -= 1
    return assign


def exact_assign(scores, capacity):
    """Exact optimum with scipy's LP solver (HiGHS); the transportation
    polytope is integral, so the LP optimum is an assignment. For tests and
    benchmarks on small instances only.

    :param scores: (cases, receivers) array, ``-inf`` where not eligible
    :return: (assign array, total score)
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    n_cases, n_receivers = scores.shape
    rows, cols = np.nonzero(np.isfinite(scores) & (scores > 0))
    assign = np.full(n_cases, NO_RECEIVER, dtype=np.int64)
    if not len(rows):
        return assign, 0.0
    var = np.arange(len(rows))
    ones = np.ones(len(rows))
    constraints = vstack([
        coo_matrix((ones, (rows, var)), shape=(n_cases, len(rows))),
        coo_matrix((ones, (cols, var)), shape=(n_receivers, len(rows))),
    ]).tocsr()
    res = linprog(
        -scores[rows, cols], A_ub=constraints,
        b_ub=np.concatenate([np.ones(n_cases), np.asarray(capacity, dtype=float)]),
        bounds=(0, 1), method='highs')
    if res.status != 0:
        raise RuntimeError(res.message)
    chosen = res.x > 0.5
    assign[rows[chosen]] = cols[chosen]
    return assign, float(-res.fun)
