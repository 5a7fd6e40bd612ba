/* Device profiles: one description of a PCI device that every host uses:
 * its identity, the model that plays it in-process (sim) and behind QEMU's
 * proxy, QEMU's own device for it with any backing files, and whether it
 * needs a hot-pluggable machine. Profiles are built in (bench/src/
 * profiles_builtin.c) or read from a plist file (docs/writing-a-driver.md, 'Device profiles'). */
#ifndef BENCH_PROFILE_H
#define BENCH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/machine.h"

#define BENCH_PROFILE_MAX_BACKING 4
#define BENCH_PROFILE_MAX_OPTIONS 16

/* A file QEMU's device needs, made fresh in the machine's temp directory. */
struct bench_backing {
	const char *kind; /* "disk": a zero-filled raw image, given as -drive if=none,id=ID */
	const char *id;
	uint64_t size;    /* bytes */
};

struct bench_profile {
	const char *name;
	const char *summary;
	uint16_t vendor_id, device_id;
	uint32_t class_code;        /* 24-bit class, subclass, programming interface */
	/* Model catalogue spec for sim and qemu-proxy: a built-in model name or
	 * a plugin path (model/catalog.h). NULL: no model, those hosts cannot run. */
	const char *model;
	/* QEMU's -device value without id= and addr=, e.g. "pci-testdev" or
	 * "nvme,serial=drvbench,drive=nvm0". NULL: QEMU has no such device. */
	const char *qemu_device;
	/* Variant options (see bench_options.device_options) that QEMU's device
	 * takes as properties of the same name; NULL-terminated, may be NULL. */
	const char *const *qemu_options;
	const struct bench_backing *backing;
	size_t nbacking;
	bool hotplug;               /* the device needs a hot-pluggable machine */
	unsigned slot;              /* bus-0 slot; 0: BENCH_DEFAULT_SLOT */
	/* Guest RAM above 4 GiB the machine gets on every host, in bytes (a
	 * multiple of 1 MiB; 0: none), so a driver of a 64-bit-capable device
	 * meets DMA addresses wider than 32 bits: the DMA pool hands out the
	 * highest memory a mask allows. */
	uint64_t ram_high;
};

#define BENCH_DEFAULT_SLOT 4u

/* Built-in profiles (NULL past the end / when unknown). */
const struct bench_profile *bench_profile_builtin_at(size_t i);
const struct bench_profile *bench_profile_builtin_find(const char *name);

/* A built-in name, or a path to a profile file (anything with a '/' or
 * ending in ".plist"). Files are read once and kept for the process. On
 * failure *out is NULL and why says what is wrong (unknown keys and wrong
 * types are named). */
const struct bench_profile *bench_profile_resolve(const char *name_or_path, char *why, size_t len);

/* The built-in profile whose identity one of the kext's personalities
 * matches, or NULL (why lists the built-ins and what the kext matches). */
const struct bench_profile *bench_profile_for_kext(const shim_kext *k, char *why, size_t len);

/* slot, or BENCH_DEFAULT_SLOT. */
unsigned bench_profile_slot(const struct bench_profile *p);

#endif
