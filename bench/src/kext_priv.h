/* The bench_kext object, shared by kext.c (bundle and manifest), kext_image.c
 * (mapping and unmapping the binary) and kext_link_glue.c (link checks). */
#ifndef BENCH_KEXT_PRIV_H
#define BENCH_KEXT_PRIV_H

#include <stdint.h>

#include "bench/kext.h"
#include "internal.h"

#define BENCH_KEXT_MAX_LIBS 32
#define BENCH_KEXT_PATH 1024
#define BENCH_KEXT_MAX_RANGES 8

struct bench_kext_lib {
	char id[128];
	char version[32];
};

struct bench_kext {
	char path[BENCH_KEXT_PATH];      /* the bundle (or the manifest of a linked kext) */
	char exec_path[BENCH_KEXT_PATH]; /* Contents/MacOS/<CFBundleExecutable>; "" when linked */
	char *plist;                     /* Info.plist bytes */
	size_t plist_len;
	shim_kext *manifest;             /* parsed without a descriptor: matching only */
	struct bench_kext_lib libs[BENCH_KEXT_MAX_LIBS]; /* OSBundleLibraries */
	size_t nlibs;
	const struct shim_kext_desc *linked; /* a kext linked into the program */
	/* While loaded. */
	void *handle;                    /* dlopen handle (bundles) */
	const struct shim_kext_desc *desc;
	shim_kext *loaded;
	bool link_registered;
	uintptr_t range_lo[BENCH_KEXT_MAX_RANGES], range_hi[BENCH_KEXT_MAX_RANGES];
	size_t nranges;
	bool stuck;                      /* unload refused: the image stays mapped */
	uintptr_t last_lo, last_hi;      /* the image's span at its last load (fault plans) */
};

/* kext_image.c: map the binary and find kmod_info; unmap it after its
 * classes are forgotten. */
BENCH_INTERNAL shim_ret bench_kext_image_map(struct bench_kext *k, char *why, size_t len);
BENCH_INTERNAL shim_ret bench_kext_image_unmap(struct bench_kext *k, char *why, size_t len);

/* kext_link_glue.c: the kernel linker's checks before mapping (undefined
 * symbols, the flat namespace, OSBundleLibraries), and the namespace
 * bookkeeping of loaded kexts. */
BENCH_INTERNAL shim_ret bench_kext_link(struct bench_kext *k, char *why, size_t len);
BENCH_INTERNAL void bench_kext_unlink(struct bench_kext *k);

#endif
