/* Guest RAM as the remote sees it: the regions of the latest SYNC_SYSMEM,
 * each mapped shared from its memfd (sealed against shrinking). Every SYNC_SYSMEM brings fresh
 * duplicated fds, so the previous set is unmapped and closed first. */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remote_priv.h"

void model_remote_mem_release(model_remote *r)
{
	for (unsigned i = 0; i < r->nregions; i++) {
		struct remote_region *g = &r->regions[i];
		if (g->map)
			munmap(g->map, g->map_len);
		if (g->fd >= 0)
			close(g->fd);
	}
	memset(r->regions, 0, sizeof(r->regions));
	r->nregions = 0;
	r->stats.regions = 0;
}

/* A region past the end of its file would SIGBUS on access, and so would
 * one whose file the peer shrinks later: refuse both. QEMU's own guest RAM
 * (memory-backend-memfd, seal=on by default) comes sealed against
 * shrinking; checking the seal is complete where catching SIGBUS is not. */
static bool map_region(model_remote *r, struct remote_region *g,
		       const struct model_remote_region *w)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t pg = (uint64_t)w->offset & ~((uint64_t)page - 1);
	uint64_t delta = (uint64_t)w->offset - pg;
	int seals = fcntl(g->fd, F_GET_SEALS);
	struct stat st;
	void *p;

	if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
		r->stats.rejected++;
		model_remote_log(r, MODEL_REMOTE_LOG_PEER, "SYNC_SYSMEM region 0x%" PRIx64 "+0x%"
				 PRIx64 ": its fd is not a memfd sealed against shrinking "
				 "(F_SEAL_SHRINK): not mapped", w->gpa, w->size);
		return false;
	}
	if (fstat(g->fd, &st) != 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size < (uint64_t)w->offset + w->size) {
		r->stats.rejected++;
		model_remote_log(r, MODEL_REMOTE_LOG_PEER, "SYNC_SYSMEM region 0x%" PRIx64 "+0x%"
				 PRIx64 " lies beyond its fd's end: not mapped", w->gpa, w->size);
		return false;
	}
	p = mmap(NULL, (size_t)(w->size + delta), PROT_READ | PROT_WRITE, MAP_SHARED, g->fd,
		 (off_t)pg);
	if (p == MAP_FAILED) {
		model_remote_log(r, MODEL_REMOTE_LOG_PEER, "cannot map region 0x%" PRIx64 "+0x%"
				 PRIx64, w->gpa, w->size);
		return false;
	}
	g->map = p;
	g->map_len = (size_t)(w->size + delta);
	g->base = (uint8_t *)p + delta;
	return true;
}

void model_remote_mem_sync(model_remote *r, const struct model_remote_msg *m, const int *fds)
{
	model_remote_mem_release(r);
	for (unsigned i = 0; i < m->u.sysmem.count; i++) {
		struct remote_region *g = &r->regions[i];
		g->fd = fds[i];
		g->gpa = m->u.sysmem.r[i].gpa;
		g->size = m->u.sysmem.r[i].size;
		if (map_region(r, g, &m->u.sysmem.r[i]))
			r->stats.regions++;
	}
	r->nregions = m->u.sysmem.count;
	r->stats.sysmem_syncs++;
}

static struct remote_region *find(model_remote *r, uint64_t gpa)
{
	for (unsigned i = 0; i < r->nregions; i++) {
		struct remote_region *g = &r->regions[i];
		if (g->base && gpa >= g->gpa && gpa - g->gpa < g->size)
			return g;
	}
	return NULL;
}

/* Walks the range piece by piece (it may span adjacent regions); copies
 * only on the second pass, once the whole range is known to be RAM. */
bool model_remote_mem_rw(model_remote *r, uint64_t gpa, void *buf, size_t len, bool write)
{
	if (gpa + len < gpa)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		uint64_t a = gpa;
		size_t done = 0;
		while (done < len) {
			struct remote_region *g = find(r, a);
			uint64_t room, n;
			if (!g)
				return false;
			room = g->size - (a - g->gpa);
			n = len - done < room ? len - done : room;
			if (pass == 1) {
				uint8_t *ram = g->base + (a - g->gpa);
				if (write)
					memcpy(ram, (uint8_t *)buf + done, (size_t)n);
				else
					memcpy((uint8_t *)buf + done, ram, (size_t)n);
			}
			done += (size_t)n;
			a += n;
		}
	}
	return true;
}
