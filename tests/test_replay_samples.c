/* SPDX-License-Identifier: MIT */
/*
 * Replay of the real sample traces in traces/samples/ (recorded by
 * `mmtrace record` on a live host):
 *  - mirror mode reaches >= 99% pfn agreement with the end snapshot (pages
 *    online in both snapshots; hot-added memory is reported apart), and
 *    prints mirror.txt's disagreements when it does not;
 *  - policy mode under the host's own settings reproduces the counters
 *    the trace saw: fallbacks, kswapd wakes and direct reclaims each within
 *    a factor of 3 plus 16 events of the kernel's count
 *    (kernel/3 - 16 <= model <= 3 * kernel + 16).  The model does not see
 *    the kernel's exact pcp and slab placement, so equality is not
 *    expected; a factor of 3 catches a model that never falls back or
 *    reclaims while the kernel did, or does so wildly more often.
 * Skipped, with a message, when there are no samples.  A sample the trace
 * reader cannot read at all (no event decoded: a file recorded by an older
 * format revision) is reported on stderr and skipped, because replay has
 * nothing to check on it; the trace suites own readability.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "replay_util.h"

static int have_samples(void)
{
	if (ru_samples.gl_pathc)
		return 1;
	fprintf(stderr, "no traces/samples/*.mmt: sample replays skipped\n");
	return 0;
}

static int unreadable(const char *t, const struct mmt_replay_result *res)
{
	if (res->events_read || !res->stopped_early)
		return 0;
	fprintf(stderr, "%s: UNREADABLE SAMPLE: no event decodes (stale format? "
		"re-record it); skipped\n", t);
	return 1;
}

/* Replays sample i in mode into ru_dir/NAME-i (its path in out) and
 * asserts the replay ran; -1 when the sample does not decode at all
 * (said on stderr: the caller skips it), else 0. */
static int replay_sample(size_t i, int mode, const char *name, char *out,
			 size_t outlen, struct mmt_replay_result *res)
{
	const char *t = ru_samples.gl_pathv[i];
	char err[512];
	int rc;

	snprintf(out, outlen, "%s/%s-%zu", ru_dir, name, i);
	rc = ru_replay(t, out, mode, NULL, NULL, 0, res, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", t, err);
	assert_int_equal(rc, 0);
	return unreadable(t, res) ? -1 : 0;
}

static void test_mirror_samples(void **state)
{
	size_t checked = 0;

	(void)state;
	if (!have_samples()) {
		skip();
		return;
	}
	for (size_t i = 0; i < ru_samples.gl_pathc; i++) {
		const char *t = ru_samples.gl_pathv[i];
		struct mmt_replay_result res;
		char out[600], path[700];

		if (replay_sample(i, MMT_REPLAY_MIRROR, "mirror", out,
				  sizeof(out), &res))
			continue;
		checked++;
		fprintf(stderr, "%s: mirror pfn agreement %.6f over %llu pages "
			"(%llu disagree), order agreement %.6f\n", t,
			res.pfn_agreement,
			(unsigned long long)res.pages_compared,
			(unsigned long long)res.pages_disagree,
			res.order_agreement);
		if (res.pfn_agreement < 0.99) {
			char *txt;

			snprintf(path, sizeof(path), "%s/mirror.txt", out);
			txt = ru_slurp(path, NULL);
			fprintf(stderr, "%s\n", txt ? txt : "(no mirror.txt)");
			free(txt);
		}
		assert_true(res.pages_compared > 0);
		assert_true(res.pfn_agreement >= 0.99);
	}
	if (!checked)
		skip();
}

static void within(const char *t, const char *what, uint64_t kernel,
		   uint64_t model)
{
	fprintf(stderr, "%s: %s kernel %llu model %llu\n", t, what,
		(unsigned long long)kernel, (unsigned long long)model);
	assert_true(model <= 3 * kernel + 16);
	assert_true(model + 16 >= kernel / 3);
}

static void test_policy_samples(void **state)
{
	size_t checked = 0;

	(void)state;
	if (!have_samples()) {
		skip();
		return;
	}
	for (size_t i = 0; i < ru_samples.gl_pathc; i++) {
		const char *t = ru_samples.gl_pathv[i];
		struct mmt_replay_result res;
		char out[600];

		if (replay_sample(i, MMT_REPLAY_POLICY, "policy", out,
				  sizeof(out), &res))
			continue;
		checked++;
		assert_true(res.events_replayed > 0);
		within(t, "fallbacks", res.kernel_fallbacks, res.model_fallbacks);
		within(t, "kswapd wakes", res.kernel_kswapd_wakes,
		       res.model_kswapd_wakes);
		within(t, "direct reclaims", res.kernel_direct_reclaims,
		       res.model_direct_reclaims);
	}
	if (!checked)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirror_samples),
		cmocka_unit_test(test_policy_samples),
	};

	return cmocka_run_group_tests(tests, ru_samples_setup,
				      ru_samples_teardown);
}
