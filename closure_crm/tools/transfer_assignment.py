"""Capacity-aware assignment of closure cases to receiving partners.

Pure numpy, no Odoo: the matcher (models/closure_transfer_matcher.py) scores
cases against receivers, this module picks the assignment.

The problem is a transportation problem: maximise the total match score, each
case goes to at most one receiver, receiver ``r`` takes at most ``capacity[r]``
cases. Its LP relaxation is integral (the exact optimum is a min-cost flow).
We solve it with Bertsekas' auction algorithm for "similar objects": each unit
of capacity is a slot, the slots of one receiver are interchangeable, and all
unassigned cases bid at once (Jacobi bids), vectorised with numpy.

* Bid steps: ``eps`` at first; a case that keeps bidding (a price war over a
  few nearly equal receivers, typical when capacity is scarce) takes bigger
  steps, so the war ends in a few hundred rounds instead of thousands. The
  loss is bounded by the steps of the assigned cases.
* Candidates: each case bids on its ``k`` best receivers net of prices. After
  each auction a full pass scores every case against every receiver and
  renews the candidates of the cases that would do better elsewhere, so
  popular receivers cannot crowd out the cheaper good ones.
* Certificate: for any receiver prices ``p``, ``sum_c max(0, max_r s_cr - p_r)
  + sum_r capacity_r p_r`` bounds the optimum from above (LP duality). The
  same full pass computes it, so every run reports how far from the optimum
  it can at most be (``bound``), even where no exact solver could run.
"""
import numpy as np

NO_RECEIVER = -1
# slot sort keys: receiver * KEY_SPAN - bid, so that sorting ascending orders
# slots by receiver, then by bid descending (bids stay far below KEY_SPAN)
KEY_SPAN = 1e5
JITTER = 1e-3


def top_candidates(scores, k):
    """The ``k`` best receivers of each row of ``scores`` (``-inf`` = not
    eligible), best first, padded with (NO_RECEIVER, -inf)."""
    n_cases, n_receivers = scores.shape
    k = min(k, n_receivers)
    if k == 0:
        return (np.full((n_cases, 0), NO_RECEIVER, dtype=np.int64), np.full((n_cases, 0), -np.inf))
    if k < n_receivers:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(n_receivers), (n_cases, n_receivers))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind='stable')
    cand_r = np.take_along_axis(part, order, axis=1).astype(np.int64)
    cand_s = np.take_along_axis(part_scores, order, axis=1).astype(np.float64)
    cand_r[~np.isfinite(cand_s)] = NO_RECEIVER
    return cand_r, cand_s


def _ranges(starts, lens):
    """Concatenated ``arange(start, start + len)`` for each pair."""
    total = int(lens.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lens)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - lens, lens) + np.repeat(starts, lens)


def _rank_in_groups(keys):
    """Position of each element inside its run of equal (sorted) keys."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))


class Auction:
    """Forward auction with identical slots per receiver.

    The slots of receiver ``r`` are ``offset[r]`` .. ``offset[r] + capacity[r]``,
    holders first, sorted by bid descending, then the empty slots (bid 0). The
    price of a receiver is the bid of its last slot: 0 while it has room, its
    cheapest holder's bid when full.
    """

    def __init__(self, capacity, n_cases, seed=12345):
        self.capacity = clip_capacity(capacity, n_cases)
        self.n_receivers = len(self.capacity)
        self.n_cases = n_cases
        self.rng = np.random.default_rng(seed)
        self.offset = np.concatenate([[0], np.cumsum(self.capacity)[:-1]]).astype(np.int64)
        self.slot_owner = np.repeat(np.arange(self.n_receivers), self.capacity)
        self.last_slot = self.offset + self.capacity - 1
        self.assign = np.full(n_cases, NO_RECEIVER, dtype=np.int64)
        self.held_bid = np.zeros(n_cases)
        self.bids = np.zeros(n_cases)
        self.step_growth = 8.0
        self.max_step = 8.0
        self.rounds = 0
        self.cand_r = np.zeros((n_cases, 0), dtype=np.int64)
        self.cand_s = np.zeros((n_cases, 0))
        self._rebuild_slots()

    # -- state ----------------------------------------------------------
    def set_candidates(self, cand_r, cand_s, rows=None):
        """(Re)place the candidate lists of ``rows`` (all cases by default).
        A tiny deterministic jitter breaks ties between identical cases, so
        they spread over equal receivers instead of fighting over the first."""
        valid = (cand_r >= 0) & np.isfinite(cand_s) & (cand_s > 0)
        valid &= self.capacity[np.maximum(cand_r, 0)] > 0
        cand_s = np.where(valid, cand_s + self.rng.random(cand_s.shape) * JITTER, -np.inf)
        cand_r = np.where(valid, cand_r, 0).astype(np.int64)
        if rows is None:
            self.cand_r, self.cand_s = cand_r, cand_s
        else:
            self.cand_r[rows], self.cand_s[rows] = cand_r, cand_s

    def release(self, cases):
        """Take ``cases`` out of their slots."""
        cases = cases[self.assign[cases] >= 0]
        if len(cases):
            self.assign[cases] = NO_RECEIVER
            self._rebuild_slots()

    def _rebuild_slots(self):
        n_slots = int(self.capacity.sum())
        self.slot_case = np.full(n_slots, NO_RECEIVER, dtype=np.int64)
        self.slot_bid = np.zeros(n_slots)
        cases = np.flatnonzero(self.assign >= 0)
        recv, bids = self.assign[cases], self.held_bid[cases]
        order = np.lexsort((-bids, recv))
        cases, recv, bids = cases[order], recv[order], bids[order]
        slot = self.offset[recv] + _rank_in_groups(recv)
        self.slot_case[slot] = cases
        self.slot_bid[slot] = bids
        self.slot_key = self.slot_owner * KEY_SPAN - self.slot_bid
        self.held = np.bincount(recv, minlength=self.n_receivers).astype(np.int64)
        self.price = np.zeros(self.n_receivers)
        has_slots = self.capacity > 0
        self.price[has_slots] = self.slot_bid[self.last_slot[has_slots]]

    def values(self, rows=None):
        """Value of each candidate of ``rows`` at current prices."""
        if rows is None:
            return self.cand_s - self.price[self.cand_r]
        return self.cand_s[rows] - self.price[self.cand_r[rows]]

    # -- bidding --------------------------------------------------------
    def run(self, eps, max_rounds=2000, bidders=None):
        """Bid until every case holds a slot or none is worth its price."""
        if bidders is None:
            bidders = np.flatnonzero(self.assign == NO_RECEIVER)
        if len(bidders) and self.cand_s.shape[1]:
            bidders = bidders[self.values(bidders).max(axis=1) > 0]
        else:
            bidders = np.zeros(0, dtype=np.int64)
        cand_r, cand_s = self.cand_r, self.cand_s
        for _round in range(max_rounds):
            if not len(bidders):
                break
            self.rounds += 1
            values = cand_s[bidders] - self.price[cand_r[bidders]]
            best = np.argmax(values, axis=1)
            rows = np.arange(len(bidders))
            v1 = values[rows, best]
            values[rows, best] = -np.inf
            v2 = np.maximum(values.max(axis=1), 0.0)  # staying unassigned is worth 0
            # prices only rise: a case with nothing profitable now never will
            profitable = v1 > 0
            bidders, best, v1, v2 = bidders[profitable], best[profitable], v1[profitable], v2[profitable]
            if not len(bidders):
                break
            target = cand_r[bidders, best]
            # a case bidding again and again is in a price war over a few
            # nearly equal receivers: its steps grow, so the war ends quickly
            self.bids[bidders] += 1
            step = eps * np.minimum(1.0 + self.bids[bidders] / self.step_growth, self.max_step)
            bid = self.price[target] + (v1 - v2) + step

            # Each targeted receiver keeps the best bids among its holders and
            # the new bidders. Holders bidding more than the best new bid are
            # safe: merge only the others.
            order = np.lexsort((-bid, target))
            bidders, target, bid = bidders[order], target[order], bid[order]
            first = np.flatnonzero(np.r_[True, target[1:] != target[:-1]])
            targeted, top_bid = target[first], bid[first]
            end = self.offset[targeted] + self.held[targeted]
            pos = np.minimum(np.searchsorted(self.slot_key, targeted * KEY_SPAN - top_bid, side='left'), end)
            lens = end - pos
            idx = _ranges(pos, lens)
            cases = np.concatenate([self.slot_case[idx], bidders])
            recv = np.concatenate([np.repeat(targeted, lens), target])
            bids = np.concatenate([self.slot_bid[idx], bid])
            order = np.lexsort((-bids, recv))
            cases, recv, bids = cases[order], recv[order], bids[order]
            rank = _rank_in_groups(recv)
            base = np.zeros(self.n_receivers, dtype=np.int64)
            base[targeted] = pos
            keep = rank < (self.offset + self.capacity - base)[recv]
            slot = base[recv[keep]] + rank[keep]
            self.slot_case[slot] = cases[keep]
            self.slot_bid[slot] = bids[keep]
            self.slot_key[slot] = recv[keep] * KEY_SPAN - bids[keep]
            self.assign[cases[keep]] = recv[keep]
            self.held_bid[cases[keep]] = bids[keep]
            losers = cases[~keep]
            self.assign[losers] = NO_RECEIVER
            kept = np.bincount(recv[keep], minlength=self.n_receivers)
            self.held[targeted] = pos - self.offset[targeted] + kept[targeted]
            self.price[targeted] = self.slot_bid[self.last_slot[targeted]]
            bidders = losers
        return self.assign

    def fill_free_slots(self):
        """Give unassigned cases the free slots still worth something to them,
        best scores first (a capped auction may stop before its tail is done)."""
        while self.cand_s.shape[1]:
            free = self.capacity - self.held
            values = np.where(free[self.cand_r] > 0, self.cand_s, -np.inf)
            values[self.assign >= 0] = -np.inf
            best = np.argmax(values, axis=1)
            value = values[np.arange(len(values)), best]
            cases = np.flatnonzero(value > 0)
            if not len(cases):
                return
            recv = self.cand_r[cases, best[cases]]
            order = np.lexsort((-value[cases], recv))
            cases, recv = cases[order], recv[order]
            keep = _rank_in_groups(recv) < free[recv]
            self.assign[cases[keep]] = recv[keep]
            self.held_bid[cases[keep]] = self.price[recv[keep]]
            self._rebuild_slots()


def clip_capacity(capacity, n_cases):
    """Capacities as the solver uses them: a receiver takes at most every
    case, never fewer than none. The slots are allocated per unit of
    capacity, so a huge or negative value typed on a receiver must not reach
    the allocation (the optimum is the same)."""
    return np.clip(np.asarray(capacity, dtype=np.int64), 0, max(int(n_cases), 0))


def solve(score_blocks, n_cases, capacity, k=32, eps=0.5, max_passes=4, max_rounds=3000):
    """Near-optimal assignment of ``n_cases`` cases to receivers.

    :param score_blocks: callable returning an iterator of ``(start, block)``,
        ``block`` the (cases, receivers) scores of cases ``start``.. (``-inf``
        where not eligible, only positive scores are worth assigning)
    :param capacity: (receivers,) free slots of each receiver
    :param eps: bid step; the loss is at most eps per assigned case (in
        practice far less: see ``bound``)
    :return: dict(assign=per case the receiver index or NO_RECEIVER,
        score=total score, bound=LP upper bound of the optimum, passes, rounds)
    """
    capacity = clip_capacity(capacity, n_cases)
    auction = Auction(capacity, n_cases)
    k = min(k, len(capacity))
    cand_r = np.full((n_cases, k), NO_RECEIVER, dtype=np.int64)
    cand_s = np.full((n_cases, k), -np.inf)
    bound = np.inf
    passes = 0
    for passes in range(1, max_passes + 1):
        price = auction.price.copy()
        if passes > 1:
            # best value each case finds among its candidates, net of prices
            inside = np.where(cand_r >= 0, cand_s - price[np.maximum(cand_r, 0)], -np.inf)
            inside = np.maximum(inside.max(axis=1, initial=-np.inf), 0.0)
        case_term = 0.0
        changed = []
        for start, block in score_blocks():
            net = block - price.astype(block.dtype)[None, :]
            best_net = net.max(axis=1, initial=-np.inf)
            case_term += float(np.maximum(best_net, 0.0).sum())
            if passes == 1:
                stale = np.arange(len(block))
            else:
                # a receiver outside the candidates does better: renew them
                stale = np.flatnonzero(best_net > inside[start:start + len(block)] + eps)
            if len(stale):
                r, s = top_candidates(net[stale], k)
                rows = start + stale
                cand_r[rows] = r
                cand_s[rows] = np.where(r >= 0, s + price[np.maximum(r, 0)], -np.inf)
                changed.append(rows)
        bound = min(bound, case_term + float(np.dot(capacity, price)))
        changed = np.concatenate(changed) if changed else np.zeros(0, dtype=np.int64)
        if passes == 1:
            auction.set_candidates(cand_r, cand_s)
        elif len(changed):
            auction.release(changed)
            auction.set_candidates(cand_r[changed], cand_s[changed], rows=changed)
        else:
            break
        auction.run(eps, max_rounds=max_rounds)
    auction.fill_free_slots()
    assign = auction.assign
    return {
        'assign': assign,
        'score': assignment_score(cand_r, cand_s, assign),
        'bound': bound,
        'passes': passes,
        'rounds': auction.rounds,
    }


def assignment_score(cand_r, cand_s, assign):
    """Total score of ``assign`` (receiver index per case) on candidate lists."""
    rows = np.flatnonzero(assign >= 0)
    match = cand_r[rows] == assign[rows][:, None]
    return float(np.where(match, cand_s[rows], 0.0).sum())
