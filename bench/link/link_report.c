/* Text out of the link checks: the one-line summary for logs, and the
 * OSBundleLibraries block a binary needs (kextlibs' role). */
#include "kext_link.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shim/kpi.h"

/* An snprintf-semantics writer: counts everything, stores what fits. */
struct out {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static size_t finish(struct out *o)
{
	if (o->size > 0 && o->len >= o->size)
		o->buf[o->size - 1] = '\0';
	return o->len;
}

size_t bench_link_report_summary(const struct bench_link_report *report, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	bool refused;
	const char *sep = ": ";

	if (size > 0)
		buf[0] = '\0';
	if (report == NULL) {
		put(&o, "no link report");
		return finish(&o);
	}
	refused = report->refusals > 0;
	if (refused)
		put(&o, "refused: %zu problem%s", report->refusals, report->refusals == 1 ? "" : "s");
	else
		put(&o, "links");
	if (!refused && report->notes > 0)
		put(&o, " (%zu note%s", report->notes, report->notes == 1 ? "" : "s");
	for (size_t i = 0; i < report->count; i++) {
		const struct bench_link_problem *p = &report->problems[i];

		if (bench_link_kind_refuses(p->kind) != refused)
			continue;
		put(&o, "%s%s", sep, p->message);
		sep = "; ";
	}
	if (!refused && report->notes > 0)
		put(&o, ")");
	else if (refused && report->notes > 0)
		put(&o, " (and %zu note%s)", report->notes, report->notes == 1 ? "" : "s");
	return finish(&o);
}

size_t bench_link_kextlibs_xml(const struct bench_elf_image *img, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (size > 0)
		buf[0] = '\0';
	put(&o, "<key>OSBundleLibraries</key>\n<dict>\n");
	/* Library by library in the table's order (by id), so the block is
	 * stable whatever the symbol order in the binary. */
	for (size_t li = 0; img != NULL && li < shim_kpi_library_count(); li++) {
		const struct shim_kpi_library *lib = shim_kpi_library_at(li);
		bool used = false;

		for (size_t i = 0; i < img->undefined_count && !used; i++) {
			const struct shim_kpi_symbol *kpi = shim_kpi_symbol_find(img->undefined[i].name);

			used = kpi != NULL && kpi->library == lib;
		}
		if (used)
			put(&o, "\t<key>%s</key>\n\t<string>%s</string>\n", lib->id, lib->version);
	}
	put(&o, "</dict>\n");
	return finish(&o);
}
