// SPDX-License-Identifier: GPL-2.0
/*
 * Per-node counters. Each CPU writes its own copy from softirq; readers
 * sum them (psw_counters_sum()) under the u64_stats retry loop.
 */

#include "counters.h"

const struct psw_counter_info psw_counter_info[PSW_C_MAX] = {
#define PSW_COUNTER_INFO(sym, n, r, d) [PSW_C_##sym] = { .node = n, .reason = r, .drop = d },
	PSW_COUNTERS(PSW_COUNTER_INFO)
#undef PSW_COUNTER_INFO
};

void psw_counters_sum(struct psw_counters __percpu *c, u64 *sum)
{
	const struct psw_counters *pc;
	u64 v[PSW_C_MAX];
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(u64) * PSW_C_MAX);
	for_each_possible_cpu(cpu) {
		pc = per_cpu_ptr(c, cpu);
		do {
			start = u64_stats_fetch_begin(&pc->syncp);
			memcpy(v, pc->v, sizeof(v));
		} while (u64_stats_fetch_retry(&pc->syncp, start));
		for (i = 0; i < PSW_C_MAX; i++)
			sum[i] += v[i];
	}
}
