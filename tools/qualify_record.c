/* drvbench qualify and the records: the previous release's version
 * (--previous OLD.kext, else the last version that qualified in the
 * records), and the findings kept as a "qualify" run of the bundle. */
#include <stdio.h>
#include <string.h>

#include "drvbench.h"
#include "qualify_args.h"

int qualify_previous(struct qualify_args *a)
{
	char why[1024] = "", id[128], version[64];

	if (a->previous != NULL) {
		if (!bench_qualify_bundle_identity(a->previous, id, sizeof(id), version,
						   sizeof(version), why, sizeof(why))) {
			fprintf(stderr, "drvbench qualify: --previous %s\n", why);
			return DRVBENCH_EXIT_USAGE;
		}
		snprintf(a->previous_version, sizeof(a->previous_version), "%s", version);
		a->opt.previous_version = a->previous_version;
	}
	if (!a->rec.on)
		return -1;
	if (a->rec.path == NULL)
		a->rec.path = BENCH_RECORDS_DEFAULT_PATH;
	if (!drvbench_record_ok("qualify", bench_records_open(a->rec.path, true, &a->rec.db, why,
							       sizeof(why)), why))
		return DRVBENCH_EXIT_USAGE;
	if (!bench_qualify_bundle_identity(a->opt.bundle, a->bundle_id, sizeof(a->bundle_id),
					   a->version, sizeof(a->version), why, sizeof(why)))
		return -1; /* the static rules will say what is wrong with it */
	if (a->opt.previous_version == NULL &&
	    bench_records_last_version(a->rec.db, "qualify", a->bundle_id, a->version,
				       a->previous_version, sizeof(a->previous_version), why,
				       sizeof(why)) == SHIM_OK) {
		a->opt.previous_version = a->previous_version;
		fprintf(stderr, "drvbench qualify: previous release %s (the records)\n",
			a->previous_version);
	}
	return -1;
}

bool qualify_record(struct qualify_args *a, const struct bench_qualify_result *res)
{
	struct bench_record_key key = { .command = "qualify", .bundle_id = res->bundle_id,
					.bundle_version = res->version };
	char why[1024] = "", host[64] = "", label[128];
	bench_record_id run;
	bool ok = true;

	if (a->rec.db == NULL)
		return true;
	if (a->rec.label == NULL) {
		bench_records_default_label(res->bundle, res->version, label, sizeof(label));
		a->rec.label = label;
	}
	key.label = a->rec.label;
	if (res->dynamic_ran && a->opt.host != NULL)
		key.host = a->opt.profile != NULL ? bench_host_label(a->opt.host, a->opt.profile, host,
								     sizeof(host))
						  : a->opt.host->name;
	key.device = a->opt.profile != NULL ? a->opt.profile->name : NULL;
	if (!drvbench_record_ok("qualify", bench_records_begin(a->rec.db, &key, &run, why,
								 sizeof(why)), why))
		return false;
	for (size_t i = 0; i < res->count && ok; i++) {
		const struct bench_qualify_finding *f = &res->findings[i];
		char where[512];
		struct bench_record_finding rf = {
			.check = f->rule->id,
			.severity = f->suppressed != NULL ? "note"
				    : bench_qualify_severity_name(f->rule->severity),
			.where = where, .message = f->message,
		};

		snprintf(where, sizeof(where), "%s%s%s", f->file, *f->file && *f->item ? ": " : "",
			 f->item);
		ok = drvbench_record_ok("qualify", bench_records_add_finding(a->rec.db, run, &rf, why,
									      sizeof(why)), why);
	}
	ok = drvbench_record_ok("qualify", bench_records_end(a->rec.db, run,
							      bench_qualify_clean(res) ? "done"
										       : "failed",
							      why, sizeof(why)), why) && ok;
	bench_records_close(a->rec.db);
	a->rec.db = NULL;
	a->rec.label = NULL;
	return ok;
}
