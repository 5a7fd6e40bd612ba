/* The qualification corpus's kext: a driver for the edu device that does
 * as little as a driver can (its state object made in start, freed in
 * stop), built once clean and once per QK_* fault, each fault breaking
 * exactly one rule of drvbench qualify (tests/qualify/cases.py). */
#include "shim/alloc.h"
#include "shim/driver.h"
#include "shim/log.h"

#define QK_CLASS "org_drvbench_test_qk"

struct qk {
	shim_object obj;
	int starts;
};

static shim_class qk_class = SHIM_CLASS_INIT(QK_CLASS);
static int qk_starts; /* per image: a reload starts from zero */
#if defined(QK_LEAK_ALLOC) || defined(QK_LEAK_CYCLES)
static void *qk_dropped; /* overwritten, so what it pointed to leaks */
#endif

#ifndef QK_NO_EXPORT
/* The one global it exports besides kmod_info, with the bundle's prefix. */
int org_drvbench_test_qk_alive(void);
int org_drvbench_test_qk_alive(void)
{
	return qk_starts;
}
#endif

#ifdef QK_UNPREFIXED
int start_count; /* binary.unprefixed-global */
#endif
#ifdef QK_SHORT
int qk_counter; /* binary.short-prefix: the identifier's last label only */
#endif
#ifdef QK_COLLIDE_SHIM
int shim_qk_table; /* binary.collision-kernel: the kernel's namespace */
#endif
#ifdef QK_UNRESOLVED
void qk_nowhere_to_be_found(void); /* deps.unresolved-symbol */
#endif
#ifdef QK_BIG_SYMTAB
/* binary.symtab-size: hundreds of named local objects, little code. */
#define QK_PAD(n) static const int qk_padding_object_with_a_long_name_##n __attribute__((used)) = n;
#define QK_PAD10(n) QK_PAD(n##0) QK_PAD(n##1) QK_PAD(n##2) QK_PAD(n##3) QK_PAD(n##4) \
	QK_PAD(n##5) QK_PAD(n##6) QK_PAD(n##7) QK_PAD(n##8) QK_PAD(n##9)
#define QK_PAD100(n) QK_PAD10(n##0) QK_PAD10(n##1) QK_PAD10(n##2) QK_PAD10(n##3) \
	QK_PAD10(n##4) QK_PAD10(n##5) QK_PAD10(n##6) QK_PAD10(n##7) QK_PAD10(n##8) QK_PAD10(n##9)
QK_PAD100(1) QK_PAD100(2) QK_PAD100(3)
#endif

static void qk_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct qk));
}

static shim_ret qk_start(shim_service *svc, shim_pci_device *dev)
{
	struct qk *q;

	(void)dev;
	qk_starts++;
#ifdef QK_START_FAILS
	shim_log(SHIM_LOG_ERR, "qk: refusing to start"); /* dyn.load, the log its reason */
	return SHIM_ERR_NO_DEVICE;
#endif
#ifdef QK_LOG_ERROR
	shim_log(SHIM_LOG_ERR, "qk: calibration table missing, using defaults");
#endif
#ifdef QK_LOG_WARNING
	shim_log(SHIM_LOG_WARN, "qk: firmware older than expected");
#endif
#ifdef QK_UNRESOLVED
	qk_nowhere_to_be_found();
#endif
#ifdef QK_LEAK_CYCLES
	if (qk_starts > 1) /* every start after the image's first: dyn.cycle's trend */
		qk_dropped = shim_malloc(64);
#endif
	q = shim_zalloc(sizeof(*q));
	if (q == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&q->obj, &qk_class, qk_free);
	q->starts = qk_starts;
	shim_service_set_private(svc, q);
	return SHIM_OK;
}

static void qk_stop(shim_service *svc)
{
	struct qk *q = shim_service_private(svc);

	shim_service_set_private(svc, NULL);
#ifdef QK_LEAK_INSTANCE
	(void)q; /* dyn.unload: the instance outlives stop */
	return;
#endif
#ifdef QK_LEAK_ALLOC
	qk_dropped = shim_malloc(32); /* dyn.verifier: stop leaves an allocation behind */
#endif
	shim_object_release(&q->obj);
}

static const struct shim_driver qk_driver = {
	.class_name = QK_CLASS,
	.start = qk_start,
	.stop = qk_stop,
};

static const struct shim_driver *const qk_drivers[] = { &qk_driver };
static shim_class *const qk_classes[] = { &qk_class };

static const struct shim_kext_desc qk_kext = {
	.drivers = qk_drivers,
	.driver_count = 1,
	.classes = qk_classes,
	.class_count = 1,
};

#ifndef QK_NO_ENTRY
SHIM_KEXT_DECLARE(qk_kext);
#else
/* binary.no-entry: the descriptor is there, but nothing leads to it. */
const struct shim_kext_desc *org_drvbench_test_qk_desc(void);
const struct shim_kext_desc *org_drvbench_test_qk_desc(void)
{
	return &qk_kext;
}
#endif
