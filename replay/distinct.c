/* SPDX-License-Identifier: MIT */
/*
 * How many distinct keys a pass saw, in 4 KiB and one pass: HyperLogLog
 * (Flajolet et al. 2007) with 4096 registers, standard error 1.6%, and
 * linear counting while registers are still empty (small counts are then
 * near exact).
 *
 * The pre-pass uses it to size a hash map it will fill later: sizing by
 * the number of insertions instead (every user fault) made the fault
 * address map of a trace that faults the same 512 MiB ten times 16 times
 * too large, 32 MB of table first touched at random (28 MB of its peak
 * RSS; its CPU time measured the same).  An estimate, not a bound: a map
 * sized short of its keys grows, as it would without the estimate.
 * Deterministic: the same keys give the same estimate.
 */
#include <math.h>
#include "replay_int.h"

void rp_distinct_add(struct rp_distinct *d, uint64_t key)
{
	/* all of the key's bits mixed (rp_map_hash() keeps neighbouring
	 * keys neighbours: not here) */
	uint64_t h = rp_mix64(key);
	unsigned reg = (unsigned)(h >> (64 - RP_DISTINCT_BITS));
	/* the rank of the first 1 bit after the register's bits; the guard
	 * bit caps it at 64 - RP_DISTINCT_BITS + 1 */
	uint64_t rest = (h << RP_DISTINCT_BITS) |
			(1ull << (RP_DISTINCT_BITS - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);

	if (rank > d->reg[reg])
		d->reg[reg] = rank;
}

uint64_t rp_distinct_estimate(const struct rp_distinct *d)
{
	const double m = RP_DISTINCT_REGS;
	double sum = 0, e;
	unsigned zeros = 0;

	for (unsigned i = 0; i < RP_DISTINCT_REGS; i++) {
		sum += ldexp(1.0, -(int)d->reg[i]);
		zeros += !d->reg[i];
	}
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);	/* linear counting */
	return (uint64_t)(e + 0.5);
}
