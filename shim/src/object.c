/* Reference-counted objects and the per-class live counts behind
 * ioclasscount. Classes join a global list on their first instance. */
#include "shim/object.h"

#include "internal.h"

static shim_class *class_head;
static shim_class *class_tail;

static void register_class(shim_class *cls)
{
	cls->next = NULL;
	cls->registered = true;
	/* Appended, so reports list classes in the order they first appeared. */
	if (class_tail != NULL)
		class_tail->next = cls;
	else
		class_head = cls;
	class_tail = cls;
}

void shim_object_init(shim_object *obj, shim_class *cls, shim_object_free_fn free_fn)
{
	if (obj == NULL || cls == NULL) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "shim_object_init with %s NULL",
				 obj == NULL ? "object" : "class");
		return;
	}
	if (!cls->registered)
		register_class(cls);
	obj->cls = cls;
	obj->refcount = 1;
	obj->free_fn = free_fn;
	cls->live++;
	cls->created++;
}

void shim_object_retain_(shim_object *obj, const char *file, int line)
{
	if (obj == NULL) {
		shim_verifier_record_(SHIM_V_BAD_STATE, file, line, "retain of NULL object");
		return;
	}
	if (obj->refcount <= 0) {
		shim_verifier_record_(SHIM_V_REFCOUNT_UNDERFLOW, file, line,
				      "retain of %s object with refcount %d",
				      shim_object_class_name(obj), obj->refcount);
		return;
	}
	obj->refcount++;
}

void shim_object_release_(shim_object *obj, const char *file, int line)
{
	if (obj == NULL) {
		shim_verifier_record_(SHIM_V_BAD_STATE, file, line, "release of NULL object");
		return;
	}
	if (obj->refcount <= 0) {
		shim_verifier_record_(SHIM_V_REFCOUNT_UNDERFLOW, file, line,
				      "release of %s object with refcount %d",
				      shim_object_class_name(obj), obj->refcount);
		return;
	}
	if (--obj->refcount > 0)
		return;
	if (obj->cls != NULL)
		obj->cls->live--;
	/* Last use of obj: free_fn frees the struct that contains it. */
	if (obj->free_fn != NULL)
		obj->free_fn(obj);
}

int shim_object_refcount(const shim_object *obj)
{
	return obj ? obj->refcount : 0;
}

const char *shim_object_class_name(const shim_object *obj)
{
	if (obj == NULL || obj->cls == NULL || obj->cls->name == NULL)
		return "?";
	return obj->cls->name;
}

long shim_class_live(const shim_class *cls)
{
	return cls ? cls->live : 0;
}

long shim_classes_live_total(void)
{
	long total = 0;

	for (const shim_class *c = class_head; c != NULL; c = c->next)
		total += c->live;
	return total;
}

shim_ret shim_class_forget(shim_class *cls)
{
	shim_class *prev = NULL;

	if (cls == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (cls->live > 0)
		return SHIM_ERR_BUSY;
	for (shim_class *c = class_head; c != NULL; prev = c, c = c->next) {
		if (c != cls)
			continue;
		if (prev != NULL)
			prev->next = c->next;
		else
			class_head = c->next;
		if (class_tail == c)
			class_tail = prev;
		break;
	}
	cls->next = NULL;
	cls->registered = false;
	return SHIM_OK;
}

size_t shim_class_list(const shim_class **out, size_t max)
{
	size_t n = 0;

	/* out == NULL asks for the number of classes; otherwise at most max are written. */
	for (const shim_class *c = class_head; c != NULL; c = c->next) {
		if (out != NULL) {
			if (n == max)
				break;
			out[n] = c;
		}
		n++;
	}
	return n;
}
