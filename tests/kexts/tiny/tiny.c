/* Tiny test kexts, one source built in variants (TINY_VARIANT) for the
 * bench's own tests; each driver claims the device and touches nothing:
 *   TINY_BARE            start/stop only: no power table, no user client;
 *   TINY_ONCE_PER_IMAGE  start refuses a second start in the same mapped
 *                        image, so only a real unmap and remap between
 *                        loads lets it start again;
 *   TINY_LEAKY           stop leaves one instance of the driver's own
 *                        (declared) class alive;
 *   TINY_LEAKY_HELPER    stop leaves one instance of a helper class the
 *                        kext does not declare, which only the image's
 *                        address range ties to the kext;
 *   TINY_UNRESOLVED      start calls a function no kernel exports, so the
 *                        kext cannot be linked;
 *   TINY_COLLIDES        defines its own shim_ret_string, a KPI's name: a
 *                        collision in the kernel's flat namespace;
 *   TINY_CRASHES         start writes through a null pointer (a segfault);
 *   TINY_HANGS           start spins forever without waiting on the loop.
 * The leaking variants export tiny_release_leak() so a test can clean up. */
#include "shim/alloc.h"
#include "shim/driver.h"
#include "shim/log.h"

#define TINY_BARE 1
#define TINY_ONCE_PER_IMAGE 2
#define TINY_LEAKY 3
#define TINY_LEAKY_HELPER 4
#define TINY_UNRESOLVED 5
#define TINY_COLLIDES 6
#define TINY_CRASHES 7
#define TINY_HANGS 8

#ifndef TINY_VARIANT
#error "build with -DTINY_VARIANT=TINY_..."
#endif

struct tiny_obj {
	shim_object obj;
};

static shim_class tiny_class = SHIM_CLASS_INIT(TINY_CLASS);
static shim_class tiny_helper_class = SHIM_CLASS_INIT(TINY_CLASS "_buffer");
static struct tiny_obj *tiny_leaked;
static unsigned tiny_starts; /* in this mapping of the image: .data starts at 0 */
static volatile uintptr_t tiny_null;  /* 0: where the crashing variant writes */
static volatile unsigned long tiny_spins;

unsigned tiny_starts_in_image(void);
void tiny_release_leak(void);

unsigned tiny_starts_in_image(void)
{
	return tiny_starts;
}

static void tiny_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct tiny_obj));
}

void tiny_release_leak(void)
{
	if (tiny_leaked != NULL)
		shim_object_release(&tiny_leaked->obj);
	tiny_leaked = NULL;
}

#if TINY_VARIANT == TINY_UNRESOLVED
void tiny_not_in_any_kernel(void);
#endif

#if TINY_VARIANT == TINY_COLLIDES
const char *shim_ret_string(shim_ret r)
{
	(void)r;
	return "the kext's own";
}
#endif

static shim_ret tiny_start(shim_service *svc, shim_pci_device *dev)
{
	(void)svc;
	(void)dev;
#if TINY_VARIANT == TINY_UNRESOLVED
	tiny_not_in_any_kernel();
#endif
	if (TINY_VARIANT == TINY_ONCE_PER_IMAGE && tiny_starts > 0) {
		shim_log(SHIM_LOG_ERR, "tiny: already started once in this image (%u start(s)): "
				       "the image was not unmapped", tiny_starts);
		return SHIM_ERR_BUSY;
	}
	tiny_starts++;
	if (TINY_VARIANT == TINY_CRASHES)
		*(volatile unsigned *)(uintptr_t)tiny_null = 1u;
	while (TINY_VARIANT == TINY_HANGS)
		tiny_spins++;
	return SHIM_OK;
}

static void tiny_stop(shim_service *svc)
{
	(void)svc;
	if (TINY_VARIANT != TINY_LEAKY && TINY_VARIANT != TINY_LEAKY_HELPER)
		return;
	tiny_leaked = shim_zalloc(sizeof(*tiny_leaked));
	if (tiny_leaked != NULL)
		shim_object_init(&tiny_leaked->obj,
				 TINY_VARIANT == TINY_LEAKY ? &tiny_class : &tiny_helper_class,
				 tiny_free);
}

static const struct shim_driver tiny_driver = {
	.class_name = TINY_CLASS,
	.start = tiny_start,
	.stop = tiny_stop,
};

static const struct shim_driver *const tiny_drivers[] = { &tiny_driver };
static shim_class *const tiny_classes[] = { &tiny_class };

static const struct shim_kext_desc tiny_kext = {
	.drivers = tiny_drivers,
	.driver_count = 1,
	.classes = tiny_classes,
	.class_count = 1,
};

SHIM_KEXT_DECLARE(tiny_kext);
