/* Kexts as a driver engineer ships them: a bundle directory
 *   Foo.kext/Contents/Info.plist
 *   Foo.kext/Contents/MacOS/<CFBundleExecutable>   (ELF shared object)
 * opened once, then loaded and unloaded per machine the way a kernel's
 * linker would: the manifest is checked, the binary's symbols are linked
 * against the kernel's (the shim's) KPI exports and the other loaded kexts
 * in one flat namespace, then it is mapped (dlopen, RTLD_LOCAL) and its
 * kmod_info entry symbol leads to its descriptor. Every refusal names the
 * file, key or symbol at fault. A kext linked into the program itself (a
 * static build, for comparison) goes through the same manifest checks. */
#ifndef BENCH_KEXT_H
#define BENCH_KEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/host.h"
#include "shim/machine.h"

struct bench_kext;

/* Reads and checks the bundle's Info.plist and finds its executable; maps
 * nothing yet. SHIM_ERR_BAD_ARGUMENT / SHIM_ERR_NOT_FOUND with why. */
shim_ret bench_kext_open(const char *bundle_path, struct bench_kext **out, char *why, size_t len);
/* A kext linked into the program: desc plus the manifest file to check it with. */
shim_ret bench_kext_open_linked(const struct shim_kext_desc *desc, const char *info_plist_path,
				struct bench_kext **out, char *why, size_t len);
/* Unloads it first if loaded. */
void bench_kext_close(struct bench_kext *k);

const char *bench_kext_path(const struct bench_kext *k);
const char *bench_kext_bundle_id(const struct bench_kext *k);
const char *bench_kext_version(const struct bench_kext *k);
/* True when a personality of the kext matches a function with these IDs. */
bool bench_kext_matches(const struct bench_kext *k, uint16_t vendor, uint16_t device,
			uint32_t class_code);
/* The kext's manifest as the shim parsed it (never started). */
const shim_kext *bench_kext_manifest(const struct bench_kext *k);

/* Links and maps the binary (bundles), then loads it into the shim with the
 * descriptor its kmod_info names, passed through wrap when given. One load
 * at a time per bench_kext. */
shim_ret bench_kext_load(struct bench_kext *k, bench_kext_wrap_fn wrap, shim_kext **out,
			 char *why, size_t len);
/* shim_kext_unload, then the image goes: its classes are forgotten and it
 * is unmapped. When anything of it is still alive (a running service, live
 * instances of its classes) the unload is refused and the image stays
 * mapped, as a kernel keeps a kext whose references leaked. */
shim_ret bench_kext_unload(struct bench_kext *k, char *why, size_t len);
bool bench_kext_loaded(const struct bench_kext *k);
/* A symbol of the loaded image (dlsym), e.g. for a driver's own test
 * module to call the driver directly; NULL when not loaded or absent.
 * Resolve again after every load: a reload maps the image afresh. */
void *bench_kext_symbol(const struct bench_kext *k, const char *name);
/* The address range the loaded image spans (its code among it), for
 * telling the kext's own calls from others; false when not loaded or
 * linked into the program. */
bool bench_kext_image_range(const struct bench_kext *k, uintptr_t *lo, uintptr_t *hi);
/* The descriptor the loaded image's kmod_info names (unwrapped), or NULL. */
const struct shim_kext_desc *bench_kext_desc(const struct bench_kext *k);

#endif
