/* Shared by drvbench qualify's two fuzz targets: every finding names a
 * rule that exists, and the text, JSON and SARIF of any result are written
 * without a raw control byte or invalid UTF-8 (escaping holds whatever the
 * input quoted into a message). */
#ifndef FUZZ_QUALIFY_COMMON_H
#define FUZZ_QUALIFY_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_die.h"
#include "q_internal.h"

static inline void fuzz_qualify_check_output(const char *target,
					     const struct bench_qualify_result *res)
{
	for (size_t i = 0; i < res->count; i++)
		if (res->findings[i].rule == NULL ||
		    bench_qualify_rule_find(res->findings[i].rule->id) != res->findings[i].rule)
			fuzz_die(target, "finding %zu names no rule", i);
	for (int kind = 0; kind < 3; kind++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (f == NULL)
			return;
		if (kind == 0)
			bench_qualify_write_text(f, res);
		else if (kind == 1)
			bench_qualify_write_json(f, res);
		else
			bench_qualify_write_sarif(f, res);
		fclose(f);
		for (size_t i = 0; kind > 0 && i < len; i++)
			if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n')
				fuzz_die(target, "raw control byte 0x%02x in %s output", buf[i],
					 kind == 1 ? "JSON" : "SARIF");
		free(buf);
	}
}

#endif
