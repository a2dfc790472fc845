"""The match score of closure cases against receiving partners, in numpy.

Pure Python and numpy, no ORM: closure.transfer.matcher (models/) loads the
cases and receivers of a plan into the arrays this module scores, and
tools/transfer_assignment.py assigns cases to receivers on these scores.
"""
import numpy as np

# Parts of the match score (0-100). Each part is a fraction in [0, 1] times
# its weight; the parts are shown to the user next to every suggestion.
WEIGHTS = {
    'industry': 30.0,
    'region': 20.0,
    'services': 20.0,
    'segment': 10.0,
    'capacity': 10.0,
    'acceptance': 10.0,
}
DEFAULT_MIN_SCORE = 40.0
UNKNOWN = 0.5          # a side says nothing (no industry recorded, receiver serves all)
SAME_COUNTRY = 0.25    # the receiver serves other regions of the customer's country
SIZE_TOO_BIG = 0.5     # the customer is larger than the receiver usually takes
BLOCK = 8192           # cases scored at once


class MatchScorer:
    """Scores of cases against the receivers of one plan, in numpy.

    The score is separable: each part depends on one attribute of the case
    (industry, region, service set, segment and size) and on the receiver, so
    it is a small table per attribute value; a block of cases is scored by
    gathering rows of these tables."""

    def __init__(self, cases, receivers, min_score=DEFAULT_MIN_SCORE, declined=()):
        self.cases, self.receivers, self.min_score = cases, receivers, min_score
        n_receivers = len(receivers['partner_id'])
        self.n_receivers = n_receivers
        f32 = np.float32

        # industry
        ind_keys, self.k_ind = np.unique(cases['industry'], return_inverse=True)
        table = np.zeros((len(ind_keys), n_receivers), dtype=f32)
        for r, industries in enumerate(receivers['industries']):
            table[:, r] = [UNKNOWN if not industries or not key else float(key in industries) for key in ind_keys]
        self.t_ind = table * WEIGHTS['industry']

        # region: (country, state) of the case against countries/states served
        region_pairs = np.stack([cases['country'], cases['state']], axis=1) if len(cases['country']) \
            else np.zeros((0, 2), dtype=np.int64)
        reg_keys, self.k_reg = np.unique(region_pairs, axis=0, return_inverse=True)
        self.k_reg = self.k_reg.reshape(-1)
        table = np.zeros((len(reg_keys), n_receivers), dtype=f32)
        state_country = receivers['state_country']
        for r in range(n_receivers):
            countries, states = receivers['countries'][r], receivers['states'][r]
            partial = {state_country.get(state) for state in states}
            for k, (country, state) in enumerate(reg_keys):
                if not country or (not countries and not states):
                    table[k, r] = UNKNOWN
                elif (state and state in states) or country in countries:
                    table[k, r] = 1.0
                elif country in partial:
                    table[k, r] = SAME_COUNTRY
        self.t_reg = table * WEIGHTS['region']

        # services: share of the services the customer uses that the receiver offers
        srv_keys = sorted(set(cases['services']))
        key_index = {key: i for i, key in enumerate(srv_keys)}
        self.k_srv = np.array([key_index[key] for key in cases['services']], dtype=np.int64)
        all_services = sorted(
            {s for key in srv_keys for s in key} | {s for offered in receivers['services'] for s in offered}
        )
        col = {s: i for i, s in enumerate(all_services)}
        need = np.zeros((len(srv_keys), len(all_services)), dtype=f32)
        for i, key in enumerate(srv_keys):
            need[i, [col[s] for s in key]] = 1.0
        offer = np.zeros((n_receivers, len(all_services)), dtype=f32)
        for r, offered in enumerate(receivers['services']):
            offer[r, [col[s] for s in offered]] = 1.0
        counts = need.sum(axis=1, keepdims=True)
        table = np.where(counts > 0, (need @ offer.T) / np.maximum(counts, 1), UNKNOWN).astype(f32)
        self.t_srv = table * WEIGHTS['services']

        # segment (hard: -inf where the receiver does not take it) and size fit
        seg_pairs = list(zip(cases['segment'], cases['size'], strict=True))
        seg_keys = sorted(set(seg_pairs))
        key_index = {key: i for i, key in enumerate(seg_keys)}
        self.k_seg = np.array([key_index[key] for key in seg_pairs], dtype=np.int64)
        table = np.zeros((len(seg_keys), n_receivers), dtype=f32)
        for r in range(n_receivers):
            taken, max_size = receivers['segment'][r], receivers['max_size'][r]
            for k, (segment, size) in enumerate(seg_keys):
                if segment and taken != 'both' and taken != segment:
                    table[k, r] = -np.inf
                elif segment == 'b2c' or not size or not max_size or size <= max_size:
                    table[k, r] = 1.0
                else:
                    table[k, r] = SIZE_TOO_BIG
        self.t_seg = table * WEIGHTS['segment']

        # receiver constants: room left and past acceptance
        capacity = receivers['capacity'].astype(f32)
        self.p_capacity = np.where(capacity > 0, (capacity - receivers['used']) / np.maximum(capacity, 1), 0.0) \
            .astype(f32) * WEIGHTS['capacity']
        accepted, declined_count = receivers['accepted'], receivers['declined']
        self.p_acceptance = ((accepted + 1.0) / (accepted + declined_count + 2.0)).astype(f32) * WEIGHTS['acceptance']
        self.constant = self.p_capacity + self.p_acceptance

        # (case row, receiver column) pairs already declined by either side
        self.declined_rows = np.array([pair[0] for pair in declined], dtype=np.int64)
        self.declined_cols = np.array([pair[1] for pair in declined], dtype=np.int64)

    def block(self, start, end, apply_min=True, mask_declined=True):
        """Scores of case rows start..end, ``-inf`` where not eligible."""
        scores = (self.t_ind[self.k_ind[start:end]] + self.t_reg[self.k_reg[start:end]]
                  + self.t_srv[self.k_srv[start:end]] + self.t_seg[self.k_seg[start:end]]
                  + self.constant[None, :])
        if mask_declined and len(self.declined_rows):
            inside = (self.declined_rows >= start) & (self.declined_rows < end)
            scores[self.declined_rows[inside] - start, self.declined_cols[inside]] = -np.inf
        if apply_min:
            scores[scores < self.min_score] = -np.inf
        return scores

    def blocks(self):
        n_cases = len(self.k_ind)
        for start in range(0, n_cases, BLOCK):
            yield start, self.block(start, min(start + BLOCK, n_cases))

    def parts(self, row, col):
        """The parts of one case's score with one receiver."""
        return {
            'industry': float(self.t_ind[self.k_ind[row], col]),
            'region': float(self.t_reg[self.k_reg[row], col]),
            'services': float(self.t_srv[self.k_srv[row], col]),
            'segment': float(self.t_seg[self.k_seg[row], col]),
            'capacity': float(self.p_capacity[col]),
            'acceptance': float(self.p_acceptance[col]),
        }
