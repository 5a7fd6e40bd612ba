/* One JSON string writer for the bench's outputs (cycle, compare, report). */
#ifndef BENCH_SRC_JSON_OUT_H
#define BENCH_SRC_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "internal.h"

/* s (NULL: "") as a JSON string. html_safe also escapes < > & so the text
 * can sit inside an HTML <script> element. */
BENCH_INTERNAL void bench_json_string(FILE *out, const char *s, bool html_safe);

#endif
