/* Reference-counted objects with a class name and per-class live counts
 * (what ioclasscount shows). A kext cannot unload while any class it
 * defines has live instances. */
#ifndef SHIM_OBJECT_H
#define SHIM_OBJECT_H

#include "shim/types.h"

typedef struct shim_class {
	const char *name;
	/* Below: owned by the shim. */
	long live;
	long created;
	struct shim_class *next;
	bool registered;
} shim_class;

#define SHIM_CLASS_INIT(name_) { (name_), 0, 0, NULL, false }

typedef struct shim_object shim_object;
typedef void (*shim_object_free_fn)(shim_object *obj);

struct shim_object {
	shim_class *cls;
	int refcount;
	shim_object_free_fn free_fn; /* runs at refcount 0; frees the containing struct */
};

/* refcount = 1, class live count + 1. */
void shim_object_init(shim_object *obj, shim_class *cls, shim_object_free_fn free_fn);
void shim_object_retain_(shim_object *obj, const char *file, int line);
void shim_object_release_(shim_object *obj, const char *file, int line);
#define shim_object_retain(o) shim_object_retain_((o), __FILE__, __LINE__)
#define shim_object_release(o) shim_object_release_((o), __FILE__, __LINE__)
int shim_object_refcount(const shim_object *obj);
const char *shim_object_class_name(const shim_object *obj);

long shim_class_live(const shim_class *cls);

#endif
