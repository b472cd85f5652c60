/* SPDX-License-Identifier: MIT */
/*
 * Decoding the recording kernel's encodings by name: gfp bits,
 * migratetypes, event kind names; header and snapshot helpers.
 *
 * GFP bit values and migratetype numbers move between kernel versions, so
 * nothing here compares against a number: the header carries each name
 * with its value as the recording kernel defined it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mmtrace/trace.h"

static const char *const kind_names[MMT_EV__COUNT] = {
	[MMT_EV_NONE] = "none",
	[MMT_EV_PAGE_ALLOC] = "page_alloc",
	[MMT_EV_PAGE_FREE] = "page_free",
	[MMT_EV_PCP_REFILL] = "pcp_refill",
	[MMT_EV_PCP_DRAIN] = "pcp_drain",
	[MMT_EV_EXTFRAG] = "extfrag",
	[MMT_EV_KMALLOC] = "kmalloc",
	[MMT_EV_KMEM_CACHE_ALLOC] = "kmem_cache_alloc",
	[MMT_EV_KFREE] = "kfree",
	[MMT_EV_KMEM_CACHE_FREE] = "kmem_cache_free",
	[MMT_EV_FAULT_USER] = "fault_user",
	[MMT_EV_FAULT_KERNEL] = "fault_kernel",
	[MMT_EV_DIRECT_RECLAIM_BEGIN] = "direct_reclaim_begin",
	[MMT_EV_DIRECT_RECLAIM_END] = "direct_reclaim_end",
	[MMT_EV_KSWAPD_WAKE] = "kswapd_wake",
	[MMT_EV_KSWAPD_SLEEP] = "kswapd_sleep",
	[MMT_EV_WAKEUP_KSWAPD] = "wakeup_kswapd",
	[MMT_EV_NODE_RECLAIM_BEGIN] = "node_reclaim_begin",
	[MMT_EV_NODE_RECLAIM_END] = "node_reclaim_end",
	[MMT_EV_COMPACTION_BEGIN] = "compaction_begin",
	[MMT_EV_COMPACTION_END] = "compaction_end",
	[MMT_EV_COMPACT_TRY] = "compact_try",
	[MMT_EV_FILEMAP_ADD] = "filemap_add",
	[MMT_EV_FILEMAP_DEL] = "filemap_del",
	[MMT_EV_ZONE_RESIZE] = "zone_resize",
	[MMT_EV_LOST] = "lost",
	[MMT_EV_COMPACT_ISOLATE] = "compact_isolate",
	[MMT_EV_MIGRATE] = "migrate",
	[MMT_EV_MIGRATE_BEGIN] = "migrate_begin",
	[MMT_EV_MIGRATE_END] = "migrate_end",
	[MMT_EV_COMPACT_SCAN] = "compact_scan",
	[MMT_EV_COMPACT_MIGRATEPAGES] = "compact_migratepages",
	[MMT_EV_COMPACT_SUITABLE] = "compact_suitable",
	[MMT_EV_COMPACT_FINISHED] = "compact_finished",
	[MMT_EV_COMPACT_DEFER] = "compact_defer",
	[MMT_EV_KCOMPACTD_WAKE] = "kcompactd_wake",
	[MMT_EV_KCOMPACTD_SLEEP] = "kcompactd_sleep",
	[MMT_EV_LRU_SHRINK_INACTIVE] = "lru_shrink_inactive",
	[MMT_EV_LRU_SHRINK_ACTIVE] = "lru_shrink_active",
	[MMT_EV_SHRINK_SLAB] = "shrink_slab",
	[MMT_EV_WRITE_FOLIO] = "write_folio",
	[MMT_EV_VMSCAN_THROTTLED] = "vmscan_throttled",
	[MMT_EV_MEMCG_RECLAIM_BEGIN] = "memcg_reclaim_begin",
	[MMT_EV_MEMCG_RECLAIM_END] = "memcg_reclaim_end",
	[MMT_EV_FILE_READ] = "file_read",
	[MMT_EV_FILE_MAP] = "file_map",
	[MMT_EV_FILE_FAULT] = "file_fault",
	[MMT_EV_FILE_DIRTY] = "file_dirty",
	[MMT_EV_ZONE_FREE] = "zone_free",
};

static const char *const free_cause_names[MMT_FREE__COUNT] = {
	[MMT_FREE_DEMAND] = "demand",
	[MMT_FREE_KSWAPD_EVICT] = "kswapd_evict",
	[MMT_FREE_DIRECT_EVICT] = "direct_evict",
	[MMT_FREE_NODE_EVICT] = "node_evict",
	[MMT_FREE_MEMCG_EVICT] = "memcg_evict",
	[MMT_FREE_KSWAPD_OTHER] = "kswapd_other",
	[MMT_FREE_DIRECT_OTHER] = "direct_other",
	[MMT_FREE_NODE_OTHER] = "node_other",
	[MMT_FREE_MEMCG_OTHER] = "memcg_other",
	[MMT_FREE_MIGRATE_SOURCE] = "migrate_source",
	[MMT_FREE_COMPACT_RELEASE] = "compact_release",
	[MMT_FREE_COMPACT_RETURN] = "compact_return",
	[MMT_FREE_COMPACT_OTHER] = "compact_other",
	[MMT_FREE_PROACTIVE] = "proactive",
};

const char *mmt_free_cause_name(unsigned cause)
{
	return cause < MMT_FREE__COUNT ? free_cause_names[cause] : "unknown";
}

const char *mmt_event_kind_name(unsigned kind)
{
	if (kind < MMT_EV__COUNT && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

static const char *const gfp_canon_names[MMT_GFP__COUNT] = {
	"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH", "IO",
	"FS", "ZERO", "UNUSED", "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "WRITE",
	"NOWARN", "RETRY_MAYFAIL", "NOFAIL", "NORETRY", "MEMALLOC", "COMP",
	"NOMEMALLOC", "HARDWALL", "THISNODE", "ACCOUNT", "ZEROTAGS",
	"NOLOCKDEP", "NO_OBJ_EXT",
};

const char *mmt_gfp_canon_name(unsigned bit)
{
	return bit < MMT_GFP__COUNT ? gfp_canon_names[bit] : "?";
}

/* "__GFP_MOVABLE" (a mask) or "___GFP_MOVABLE_BIT" (a bit number) ->
 * "MOVABLE" in out and the mask; 0 when the name is not a gfp bit. */
static uint64_t gfp_bit_norm(const struct mmt_named_value *nv, char *out,
			     size_t len)
{
	const char *s = nv->name;
	while (*s == '_')
		s++;
	if (strncmp(s, "GFP_", 4))
		return 0;
	snprintf(out, len, "%s", s + 4);
	size_t n = strlen(out);
	if (n > 4 && !strcmp(out + n - 4, "_BIT")) {
		out[n - 4] = 0;
		return nv->value < 64 ? 1ull << nv->value : 0;
	}
	return nv->value;
}

/* Mask of one gfp bit of this kernel by its bare name, 0 when absent. */
static uint64_t gfp_mask_of(const struct mmt_header *h, const char *bare)
{
	char name[MMT_NAME_LEN];
	for (uint32_t i = 0; i < h->nr_gfp_bits; i++) {
		uint64_t m = gfp_bit_norm(&h->gfp_bits[i], name, sizeof(name));
		if (m && !strcmp(name, bare))
			return m;
	}
	return 0;
}

static int mt_number(const struct mmt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_migratetypes; i++)
		if (!strcmp(h->migratetypes[i].name, name))
			return (int)h->migratetypes[i].value;
	return -1;
}

void mmt_decode_init(struct mmt_decode *d, const struct mmt_header *h)
{
	memset(d, 0, sizeof(*d));
	/* each canonical bit's mask from the first of the header's bits of
	 * its name (0 when none); every header bit spelt once, not once a
	 * canonical bit (26 snprintf a header bit: 4% of fuzz_reader) */
	for (uint32_t i = 0; i < h->nr_gfp_bits; i++) {
		char name[MMT_NAME_LEN];
		uint64_t m = gfp_bit_norm(&h->gfp_bits[i], name, sizeof(name));

		for (int b = 0; m && b < MMT_GFP__COUNT; b++)
			if (!strcmp(name, gfp_canon_names[b])) {
				if (!d->gfp_mask[b])
					d->gfp_mask[b] = m;
				break;
			}
	}
	d->mt_unmovable = mt_number(h, "MIGRATE_UNMOVABLE");
	d->mt_movable = mt_number(h, "MIGRATE_MOVABLE");
	d->mt_reclaimable = mt_number(h, "MIGRATE_RECLAIMABLE");
	d->mt_highatomic = mt_number(h, "MIGRATE_HIGHATOMIC");
	d->mt_cma = mt_number(h, "MIGRATE_CMA");
	d->mt_isolate = mt_number(h, "MIGRATE_ISOLATE");
	d->mt_pcptypes = mt_number(h, "MIGRATE_PCPTYPES");
	d->nr_migratetypes = mt_number(h, "MIGRATE_TYPES");
	if (d->nr_migratetypes < 0) {
		int max = -1;
		for (uint32_t i = 0; i < h->nr_migratetypes; i++)
			if (strcmp(h->migratetypes[i].name, "MIGRATE_PCPTYPES") &&
			    (int)h->migratetypes[i].value > max)
				max = (int)h->migratetypes[i].value;
		d->nr_migratetypes = max + 1;
	}
}

uint64_t mmt_gfp_canon(const struct mmt_decode *d, uint64_t raw)
{
	uint64_t out = 0;
	for (int b = 0; b < MMT_GFP__COUNT; b++)
		if (d->gfp_mask[b] && (raw & d->gfp_mask[b]) == d->gfp_mask[b])
			out |= 1ull << b;
	return out;
}

/* ---- show_gfp_flags ------------------------------------------------------- */

/*
 * The composite names of include/linux/gfp_types.h (6.18), in the order of
 * __def_gfpflag_names (include/trace/events/mmflags.h): most bits first.
 * Each is built from bit names: `set` ORed, then `clear` removed.
 */
struct gfp_composite {
	const char *name;
	const char *set;	/* space separated bare bit or composite names */
	const char *clear;
};

static const struct gfp_composite composites[] = {
	{ "GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT DIRECT_RECLAIM", NULL },
	{ "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE COMP NOMEMALLOC NOWARN",
	  "DIRECT_RECLAIM KSWAPD_RECLAIM" },
	{ "GFP_HIGHUSER_MOVABLE", "GFP_HIGHUSER MOVABLE SKIP_KASAN", NULL },
	{ "GFP_HIGHUSER", "GFP_USER HIGHMEM", NULL },
	{ "GFP_USER", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS HARDWALL", NULL },
	{ "GFP_KERNEL_ACCOUNT", "GFP_KERNEL ACCOUNT", NULL },
	{ "GFP_KERNEL", "DIRECT_RECLAIM KSWAPD_RECLAIM IO FS", NULL },
	{ "GFP_NOFS", "DIRECT_RECLAIM KSWAPD_RECLAIM IO", NULL },
	{ "GFP_ATOMIC", "HIGH KSWAPD_RECLAIM", NULL },
	{ "GFP_NOIO", "DIRECT_RECLAIM KSWAPD_RECLAIM", NULL },
	{ "GFP_NOWAIT", "KSWAPD_RECLAIM NOWARN", NULL },
	{ "GFP_DMA", "DMA", NULL },
	{ "GFP_DMA32", "DMA32", NULL },
	{ "__GFP_RECLAIM", "DIRECT_RECLAIM KSWAPD_RECLAIM", NULL },
};
#define NR_COMPOSITES (sizeof(composites) / sizeof(composites[0]))

#define MAX_GFP_NAMES 64

/* Per-thread cache of the rendering table of the last header seen, so
 * that dump does not redo the name matching for every event. */
struct gfp_table {
	struct mmt_named_value bits[MAX_GFP_NAMES];	/* the key */
	uint32_t nr_bits;
	int valid;
	uint64_t comp_mask[NR_COMPOSITES];
	uint32_t n;				/* single bits, by value */
	uint64_t bit_mask[MAX_GFP_NAMES];
	char bit_name[MAX_GFP_NAMES][MMT_NAME_LEN + 8];
};

static _Thread_local struct gfp_table gfp_cache;

static uint64_t composite_part(const struct mmt_header *h, const char *word,
			       const uint64_t *done)
{
	for (size_t i = 0; i < NR_COMPOSITES; i++)
		if (!strcmp(composites[i].name, word))
			return done[i];
	return gfp_mask_of(h, word);
}

static uint64_t word_list_mask(const struct mmt_header *h, const char *list,
			       const uint64_t *done)
{
	char word[48];
	uint64_t m = 0;
	while (list && *list) {
		size_t n = strcspn(list, " ");
		snprintf(word, sizeof(word), "%.*s", (int)n, list);
		m |= composite_part(h, word, done);
		list += n;
		while (*list == ' ')
			list++;
	}
	return m;
}

static const struct gfp_table *gfp_table_for(const struct mmt_header *h)
{
	struct gfp_table *t = &gfp_cache;

	uint32_t nb = h->nr_gfp_bits < MAX_GFP_NAMES ? h->nr_gfp_bits : MAX_GFP_NAMES;

	/* Keyed by content, not by pointer: a freed header's address may be
	 * reused by another trace's header. */
	if (t->valid && t->nr_bits == nb &&
	    (!nb || !memcmp(t->bits, h->gfp_bits, nb * sizeof(*t->bits))))
		return t;
	memset(t, 0, sizeof(*t));
	if (nb)
		memcpy(t->bits, h->gfp_bits, nb * sizeof(*t->bits));
	t->nr_bits = nb;
	t->valid = 1;
	/* A composite only names composites further down the table, so build
	 * from the end. */
	for (size_t i = NR_COMPOSITES; i-- > 0;)
		t->comp_mask[i] = word_list_mask(h, composites[i].set, t->comp_mask) &
				  ~word_list_mask(h, composites[i].clear, t->comp_mask);
	for (uint32_t i = 0; i < h->nr_gfp_bits && t->n < MAX_GFP_NAMES; i++) {
		char bare[MMT_NAME_LEN];
		uint64_t m = gfp_bit_norm(&h->gfp_bits[i], bare, sizeof(bare));
		if (!m)
			continue;
		uint32_t j = t->n++;
		/* insertion sort by value: the kernel prints bits low to high */
		while (j > 0 && t->bit_mask[j - 1] > m) {
			t->bit_mask[j] = t->bit_mask[j - 1];
			memcpy(t->bit_name[j], t->bit_name[j - 1], sizeof(t->bit_name[j]));
			j--;
		}
		t->bit_mask[j] = m;
		/* printed by mmt_gfp_str: a name from the file, escaped */
		char esc[sizeof(t->bit_name[j])];
		snprintf(t->bit_name[j], sizeof(t->bit_name[j]), "__GFP_%s",
			 mmt_text(bare, esc, sizeof(esc) - 6));
	}
	return t;
}

static void append(char *buf, size_t len, size_t *pos, const char *s)
{
	int n = snprintf(buf + *pos, len - *pos, "%s%s", *pos ? "|" : "", s);
	if (n > 0)
		*pos = *pos + (size_t)n < len ? *pos + (size_t)n : len - 1;
}

const char *mmt_gfp_str(const struct mmt_header *h, uint64_t raw, char *buf,
			size_t len)
{
	size_t pos = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	if (!raw) {
		snprintf(buf, len, "none");
		return buf;
	}
	const struct gfp_table *t = gfp_table_for(h);
	for (size_t i = 0; i < NR_COMPOSITES && raw; i++) {
		uint64_t m = t->comp_mask[i];
		if (m && (raw & m) == m) {
			append(buf, len, &pos, composites[i].name);
			raw &= ~m;
		}
	}
	for (uint32_t i = 0; i < t->n && raw; i++) {
		uint64_t m = t->bit_mask[i];
		if ((raw & m) == m) {
			append(buf, len, &pos, t->bit_name[i]);
			raw &= ~m;
		}
	}
	if (raw) {
		char hex[24];
		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)raw);
		append(buf, len, &pos, hex);
	}
	return buf;
}

int mmt_gfp_parse(const struct mmt_header *h, const char *expr, uint64_t *raw)
{
	const struct gfp_table *t = gfp_table_for(h);
	char word[64];

	*raw = 0;
	while (*expr) {
		size_t n = strcspn(expr, "|");
		snprintf(word, sizeof(word), "%.*s", (int)n, expr);
		uint64_t m = 0;
		if (!strncmp(word, "0x", 2)) {
			m = strtoull(word, NULL, 16);
		} else {
			for (size_t i = 0; i < NR_COMPOSITES && !m; i++)
				if (!strcmp(composites[i].name, word))
					m = t->comp_mask[i];
			for (uint32_t i = 0; i < t->n && !m; i++)
				if (!strcmp(t->bit_name[i], word))
					m = t->bit_mask[i];
		}
		if (!m && strcmp(word, "none"))
			return -1;
		*raw |= m;
		expr += n;
		if (*expr == '|')
			expr++;
	}
	return 0;
}

/* ---- migratetypes ---------------------------------------------------------- */

const char *mmt_mt_str(const struct mmt_header *h, int mt, char *buf, size_t len)
{
	for (uint32_t i = 0; i < h->nr_migratetypes; i++) {
		const char *name = h->migratetypes[i].name;
		if ((int)h->migratetypes[i].value != mt ||
		    !strcmp(name, "MIGRATE_PCPTYPES") || !strcmp(name, "MIGRATE_TYPES"))
			continue;
		if (!strncmp(name, "MIGRATE_", 8))
			name += 8;
		/* /proc/pagetypeinfo's spelling */
		if (!strcmp(name, "HIGHATOMIC"))
			snprintf(buf, len, "HighAtomic");
		else if (!strcmp(name, "CMA"))
			snprintf(buf, len, "CMA");
		else {
			char low[MMT_NAME_LEN];
			size_t k = 0;
			for (; name[k] && k + 1 < sizeof(low); k++)
				low[k] = (char)(k ? (name[k] >= 'A' && name[k] <= 'Z' ?
						     name[k] + 32 : name[k]) : name[k]);
			low[k] = 0;
			mmt_text(low, buf, len);	/* a name from the file */
		}
		return buf;
	}
	snprintf(buf, len, "mt=%d", mt);
	return buf;
}

int mmt_mt_parse(const struct mmt_header *h, const char *name)
{
	const char *bare = strncmp(name, "MIGRATE_", 8) ? name : name + 8;
	for (uint32_t i = 0; i < h->nr_migratetypes; i++) {
		const char *n = h->migratetypes[i].name;
		if (!strncmp(n, "MIGRATE_", 8))
			n += 8;
		if (!strcasecmp(n, bare))
			return (int)h->migratetypes[i].value;
	}
	return -1;
}

/* ---- header helpers ------------------------------------------------------- */

const char *mmt_header_note(const struct mmt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_notes; i++)
		if (!strcmp(h->notes[i].name, name))
			return h->notes[i].value;
	return NULL;
}

const char *mmt_header_sysctl(const struct mmt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_sysctls; i++)
		if (!strcmp(h->sysctls[i].name, name))
			return h->sysctls[i].value;
	/* "min_free_kbytes" finds "vm.min_free_kbytes" */
	if (strncmp(name, "vm.", 3)) {
		for (uint32_t i = 0; i < h->nr_sysctls; i++)
			if (!strncmp(h->sysctls[i].name, "vm.", 3) &&
			    !strcmp(h->sysctls[i].name + 3, name))
				return h->sysctls[i].value;
	}
	return NULL;
}

void mmt_header_free(struct mmt_header *h)
{
	if (!h)
		return;
	free(h->cpu_node);
	free(h->node_distance);
	free(h->zones);
	free(h->sysctls);
	free(h->gfp_bits);
	free(h->migratetypes);
	free(h->zone_types);
	free(h->slab_caches);
	free(h->notes);
	h->cpu_node = NULL;
	h->node_distance = NULL;
	h->zones = NULL;
	h->sysctls = NULL;
	h->gfp_bits = NULL;
	h->migratetypes = NULL;
	h->zone_types = NULL;
	h->slab_caches = NULL;
	h->notes = NULL;
	h->nr_cpus = h->nr_nodes = h->nr_zones = h->nr_sysctls = 0;
	h->nr_gfp_bits = h->nr_migratetypes = h->nr_zone_types = 0;
	h->nr_slab_caches = h->nr_notes = 0;
}

int mmt_value_u64(const char *val, uint64_t *v)
{
	char *end;

	/* strtoull() would take "-1" or " 7"; a count is digits. */
	if (*val < '0' || *val > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(val, &end, 10);

	if (*end || errno)
		return -1;
	*v = x;
	return 1;
}

int mmt_snapshot_u64(const struct mmt_snapshot *s, const char *name,
		     uint64_t *v)
{
	for (uint32_t i = 0; s && i < s->nr_vmstat; i++)
		if (!strcmp(s->vmstat[i].name, name))
			return mmt_value_u64(s->vmstat[i].value, v);
	return 0;
}

void mmt_snapshot_free(struct mmt_snapshot *s)
{
	if (!s)
		return;
	free(s->free_blocks);
	free(s->runs);
	free(s->pageblock_mt);
	free(s->zones);
	free(s->vmstat);
	s->free_blocks = NULL;
	s->runs = NULL;
	s->pageblock_mt = NULL;
	s->zones = NULL;
	s->vmstat = NULL;
	s->nr_free_blocks = s->nr_runs = s->nr_pageblocks = 0;
	s->nr_zones = s->nr_vmstat = 0;
}
