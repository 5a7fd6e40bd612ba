/* The JSON string writer (json_out.h). */
#include "json_out.h"

void bench_json_string(FILE *out, const char *s, bool html_safe)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || (html_safe && (*p == '<' || *p == '>' || *p == '&')))
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}
