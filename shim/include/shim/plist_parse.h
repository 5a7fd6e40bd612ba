/* Property lists from untrusted bytes (a kext's Info.plist, a device
 * profile): the one bounded parse in front of libplist that the loader,
 * the profile reader and the qualification checks share. Platform side:
 * not part of what a driver may call. */
#ifndef SHIM_PLIST_PARSE_H
#define SHIM_PLIST_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <plist/plist.h>

#include "shim/ioreturn.h"

/* Larger than any real manifest by far; libplist takes a 32-bit length. */
#define SHIM_PLIST_MAX_BYTES (1u << 20)
/* Arrays and dictionaries inside each other, the outermost counting 1.
 * libplist parses binary lists and frees every list recursively, so the
 * depth is what bounds its stack; real manifests stay under 10. */
#define SHIM_PLIST_MAX_DEPTH 32
/* Nodes a binary list may expand to: its objects can be shared, and
 * libplist copies a shared object at every place it is referenced. */
#define SHIM_PLIST_MAX_NODES (1u << 18)

/* Parses len bytes of an XML or binary ("bplist00") property list. Before
 * libplist sees them, the bytes are refused when there are more than
 * SHIM_PLIST_MAX_BYTES, when arrays and dictionaries nest deeper than
 * SHIM_PLIST_MAX_DEPTH (or a binary list expands past SHIM_PLIST_MAX_NODES,
 * or refers to itself), when a string or key holds a NUL byte (it would be
 * cut short there), or when an XML <integer> is not a plain decimal or
 * 0x-hex number that fits 64 bits signed (libplist reads "1e23" as 1 and
 * "010" as octal). Bytes libplist then cannot parse are a parse error.
 * Returns SHIM_OK with *out (release with plist_free), else
 * SHIM_ERR_BAD_ARGUMENT (SHIM_ERR_NO_MEMORY) with *out NULL and the reason
 * in why ("parse error: ...", "nested deeper than 32 ...", ...; why may be
 * NULL). */
shim_ret shim_plist_parse(const char *bytes, size_t len, plist_t *out, char *why, size_t whylen);

/* An integer node read as signed 64-bit (shim_plist_parse admits no
 * other) when it lies in min..max: false when node is NULL, not an integer
 * or out of range (*out is then untouched). */
bool shim_plist_int(plist_t node, int64_t min, int64_t max, int64_t *out);

#endif
