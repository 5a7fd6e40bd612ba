/* The other kexts shipped beside the one qualified (--with OTHER.kext):
 * each is read like the bundle itself (its own findings are not this
 * qualification's) and its globals are registered by its identifier, so
 * the link check finds a collision in the one flat namespace. */
#include <string.h>

#include "../link/kext_link.h"
#include "q_internal.h"

/* The other binary's slice for the architecture of ours, else its first. */
static const struct bench_q_slice *q_matching_slice(const struct bench_q_binary *other,
						    const struct bench_q_binary *ours)
{
	for (size_t i = 0; ours->nslices > 0 && i < other->nslices; i++)
		if (strcmp(other->slices[i].arch, ours->slices[0].arch) == 0)
			return &other->slices[i];
	return &other->slices[0];
}

static void q_add_other(struct bench_q_ctx *c, bench_link_registry *reg, const char *path)
{
	struct bench_qualify_options opt = { 0 };
	struct bench_qualify_result scratch;
	struct bench_q_ctx o;
	const struct bench_q_slice *s;
	char why[256];

	memset(&o, 0, sizeof(o));
	bench_qualify_result_init(&scratch, path);
	o.opt = &opt;
	o.res = &scratch;
	snprintf(o.dir, sizeof(o.dir), "%s", path);
	while (strlen(o.dir) > 1 && o.dir[strlen(o.dir) - 1] == '/')
		o.dir[strlen(o.dir) - 1] = '\0';
	if (bench_q_bundle(&o))
		bench_q_binary_read(&o);
	s = o.bin.read ? q_matching_slice(&o.bin, &c->bin) : NULL;
	if (s == NULL || s->img == NULL || scratch.bundle_id[0] == '\0')
		bench_q_not_checked(c->res, "collisions with --with %s: cannot read its %s", path,
				    scratch.bundle_id[0] == '\0' ? "CFBundleIdentifier" : "binary");
	else if (!bench_link_registry_add(reg, scratch.bundle_id, s->img, why, sizeof(why)))
		bench_q_not_checked(c->res, "collisions with --with %s: %s", path, why);
	bench_q_binary_free(&o.bin);
	if (o.root != NULL)
		plist_free(o.root);
	bench_qualify_result_free(&scratch);
}

struct bench_link_registry *bench_q_with_registry(struct bench_q_ctx *c)
{
	bench_link_registry *reg;

	if (c->opt->nwith == 0)
		return NULL;
	reg = bench_link_registry_create();
	if (reg == NULL) {
		bench_q_not_checked(c->res, "collisions with --with kexts: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < c->opt->nwith; i++)
		q_add_other(c, reg, c->opt->with[i]);
	return reg;
}
