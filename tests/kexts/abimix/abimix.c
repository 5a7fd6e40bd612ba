/* A planted mixed-ABI marshalling bug: a tiny kext whose one method takes a
 * request with a long in it. The author declared the 32-bit size for the
 * shim (struct_in_size32), but the method always reads the 64-bit layout,
 * ignoring args->abi; a 64-bit client works, a 32-bit one gets an overrun.
 * The user-client scenario with 32-bit clients must catch it; with 64-bit
 * clients it passes (tests/kexts/abimix/meson.build). */
#include "shim/alloc.h"
#include "shim/driver.h"
#include "shim/userclient.h"

#define ABIMIX_CLASS "org_drvbench_test_abimix"

/* The request in the author's header. */
struct abimix_req {
	uint32_t op;
	long count; /* 8 bytes on LP64, 4 on ILP32: the layouts differ */
	uint32_t flags;
};
#define ABIMIX_REQ_SIZE32 12u /* op, count, flags: 4 bytes each for a 32-bit caller */

struct abimix {
	shim_object obj;
	long count;
};

static shim_class abimix_class = SHIM_CLASS_INIT(ABIMIX_CLASS);

static void abimix_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct abimix));
}

static shim_ret abimix_configure(shim_uc *uc, struct shim_uc_args *a)
{
	struct abimix *m = shim_service_private(shim_uc_service(uc));
	struct abimix_req req;
	shim_ret r;

	/* The bug: sizeof(req) is the 64-bit layout whoever calls. */
	r = shim_uc_struct_in_read(a, 0, &req, sizeof(req));
	if (r != SHIM_OK)
		return r;
	if (req.count < 0)
		return SHIM_ERR_BAD_ARGUMENT;
	m->count = req.count;
	return SHIM_OK;
}

static const struct shim_uc_method abimix_methods[] = {
	{ .name = "configure", .fn = abimix_configure, .struct_in_size = sizeof(struct abimix_req),
	  .struct_in_size32 = ABIMIX_REQ_SIZE32 },
};

static const struct shim_uc_desc abimix_uc = {
	.methods = abimix_methods,
	.method_count = 1,
};

static shim_ret abimix_start(shim_service *svc, shim_pci_device *dev)
{
	struct abimix *m = shim_zalloc(sizeof(*m));
	shim_ret r;

	(void)dev;
	if (m == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&m->obj, &abimix_class, abimix_free);
	shim_service_set_private(svc, m);
	r = shim_service_set_userclient(svc, &abimix_uc, m);
	if (r != SHIM_OK) {
		shim_service_set_private(svc, NULL);
		shim_object_release(&m->obj);
	}
	return r;
}

static void abimix_stop(shim_service *svc)
{
	struct abimix *m = shim_service_private(svc);

	if (m == NULL)
		return;
	shim_service_set_userclient(svc, NULL, NULL);
	shim_service_set_private(svc, NULL);
	shim_object_release(&m->obj);
}

static const struct shim_driver abimix_driver = {
	.class_name = ABIMIX_CLASS,
	.start = abimix_start,
	.stop = abimix_stop,
};

static const struct shim_driver *const abimix_drivers[] = { &abimix_driver };
static shim_class *const abimix_classes[] = { &abimix_class };

static const struct shim_kext_desc abimix_kext = {
	.drivers = abimix_drivers,
	.driver_count = 1,
	.classes = abimix_classes,
	.class_count = 1,
};

SHIM_KEXT_DECLARE(abimix_kext);
