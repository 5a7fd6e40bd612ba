/* Per-selector user-client coverage (shim/uc_selectors.h): a fixed table,
 * filled when a user client is published and bumped by the dispatcher
 * (uc_call.c). Fixed, so the driver's allocation counters never see it and
 * a count costs a pointer compare and an increment. */
#include <stdio.h>
#include <string.h>

#include "shim/driver.h"
#include "shim/machine.h"
#include "shim/uc_selectors.h"
#include "uc_internal.h"

struct sel_client {
	const struct shim_uc_desc *desc; /* the table last published under this name */
	char name[SHIM_UC_SEL_NAME_LEN];
	uint32_t nsel;                   /* selectors counted one by one */
	char method[SHIM_UC_SEL_SELECTORS][SHIM_UC_SEL_NAME_LEN];
	struct shim_uc_sel_tally t[SHIM_UC_SEL_SELECTORS + 1]; /* the last: past the table */
};

static struct sel_client clients[SHIM_UC_SEL_CLIENTS];
static size_t nclients;
static bool counting = true;
static struct sel_client *last; /* the client of the previous call */

/* A name into a fixed field, cut to fit: publication happens on every
 * driver start, so no formatting here. */
static void copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, SHIM_UC_SEL_NAME_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *client_name(shim_service *svc, const struct shim_uc_desc *desc)
{
	const struct shim_driver *d = shim_service_driver(svc);

	return desc->cls != NULL && desc->cls->name != NULL ? desc->cls->name
	       : d != NULL && d->class_name != NULL ? d->class_name : "user client";
}

void shim_uc_selectors_publish_(shim_service *svc, const struct shim_uc_desc *desc)
{
	char name[SHIM_UC_SEL_NAME_LEN];
	struct sel_client *c = NULL;
	uint32_t nsel = desc->method_count < SHIM_UC_SEL_SELECTORS ? desc->method_count
								  : SHIM_UC_SEL_SELECTORS;

	copy_name(name, client_name(svc, desc));
	for (size_t i = 0; i < nclients; i++) {
		if (strcmp(clients[i].name, name) == 0)
			c = &clients[i];
		else if (clients[i].desc == desc)
			clients[i].desc = NULL; /* an unloaded kext's address, reused */
	}
	last = NULL;
	if (c != NULL && c->desc == desc && c->nsel == nsel)
		return; /* the same table again (a restart): its names are copied */
	if (c == NULL) {
		if (nclients == SHIM_UC_SEL_CLIENTS)
			return; /* not counted; the table says how many it holds */
		c = &clients[nclients++];
		copy_name(c->name, name);
	}
	c->desc = desc;
	c->nsel = nsel;
	for (uint32_t s = 0; s < nsel; s++)
		copy_name(c->method[s], desc->methods[s].name != NULL ? desc->methods[s].name : "");
}

struct shim_uc_sel_tally *shim_uc_selectors_tally_(const struct shim_uc_desc *desc,
						   uint32_t selector)
{
	struct sel_client *c = last;

	if (!counting)
		return NULL;
	if (c == NULL || c->desc != desc) {
		c = NULL;
		for (size_t i = 0; i < nclients && c == NULL; i++)
			if (clients[i].desc == desc)
				c = &clients[i];
		if (c == NULL)
			return NULL;
		last = c;
	}
	c->t[selector < c->nsel ? selector : SHIM_UC_SEL_SELECTORS].reached++;
	return &c->t[selector < c->nsel ? selector : SHIM_UC_SEL_SELECTORS];
}

static void row(struct shim_uc_selector_count *out, size_t cap, size_t n,
		const struct sel_client *c, uint32_t sel)
{
	const struct shim_uc_sel_tally *t = &c->t[sel < c->nsel ? sel : SHIM_UC_SEL_SELECTORS];

	if (n >= cap)
		return;
	snprintf(out[n].client, sizeof(out[n].client), "%s", c->name);
	out[n].selector = sel;
	snprintf(out[n].method, sizeof(out[n].method), "%s", sel < c->nsel ? c->method[sel] : "");
	out[n].reached = t->reached;
	out[n].refused = t->refused;
	out[n].ran = t->ran;
	out[n].failed = t->failed;
}

size_t shim_uc_selector_counts(struct shim_uc_selector_count *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < nclients; i++) {
		for (uint32_t s = 0; s < clients[i].nsel; s++)
			row(out, cap, n++, &clients[i], s);
		if (clients[i].t[SHIM_UC_SEL_SELECTORS].reached > 0)
			row(out, cap, n++, &clients[i], SHIM_UC_SEL_OTHER);
	}
	return n;
}

void shim_uc_selector_counts_reset(void)
{
	for (size_t i = 0; i < nclients; i++)
		memset(clients[i].t, 0, sizeof(clients[i].t));
}

bool shim_uc_selector_counting(bool on)
{
	bool was = counting;

	counting = on;
	return was;
}
