/* A walker over a model's option string, "key=value,flag,...": the form
 * every model spec takes after its name or plugin path (model/catalog.h).
 * Shared by the built-in models and plugins so that all of them accept the
 * same syntax and word their refusals alike. */
#ifndef MODEL_OPTIONS_H
#define MODEL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_OPTION_KEY_MAX 32    /* bytes with the NUL */
#define MODEL_OPTION_VALUE_MAX 256 /* room for a path */

struct model_option {
	char key[MODEL_OPTION_KEY_MAX];
	char value[MODEL_OPTION_VALUE_MAX];
	bool has_value; /* false for a bare flag ("no_msi") */
};

/* Takes the next item from *cursor (a NULL cursor or *cursor is the empty
 * end) and advances it; empty items (",,") are skipped. 1: an item in out;
 * 0: no more items; -1: a malformed item (empty key, key or value too
 * long), the reason in why. */
int model_option_next(const char **cursor, struct model_option *out, char *why, size_t len);

/* The value of o as an unsigned number (decimal, 0x hex or 0 octal) no
 * larger than max; false with the reason in why (missing value, not a
 * number, too large). */
bool model_option_u64(const struct model_option *o, uint64_t max, uint64_t *out, char *why,
		      size_t len);
/* True when o is a bare flag ("no_msi"); false with the reason in why
 * when it came with a value ("no_msi=1": a flag takes none). */
bool model_option_is_flag(const struct model_option *o, char *why, size_t len);

#endif
