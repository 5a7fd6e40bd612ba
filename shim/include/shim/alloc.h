/* Accounted kernel allocations. Kernel memory is wired, so a leak is
 * permanent: every byte is counted (count, bytes, high-water mark) and a
 * free must name the size it allocated, as IOFree does. */
#ifndef SHIM_ALLOC_H
#define SHIM_ALLOC_H

#include "shim/types.h"

void *shim_malloc_(size_t size, bool zero, const char *file, int line) SHIM_WARN_UNUSED;
void shim_free_(void *p, size_t size, const char *file, int line);
#define shim_malloc(size) shim_malloc_((size), false, __FILE__, __LINE__)
#define shim_zalloc(size) shim_malloc_((size), true, __FILE__, __LINE__)
#define shim_free(p, size) shim_free_((p), (size), __FILE__, __LINE__)

#endif
