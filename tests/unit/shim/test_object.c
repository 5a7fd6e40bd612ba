/* Reference-counted objects: refcounts, per-class live counts, the class
 * list, and underflow detection. */
#include "core_fixture.h"
#include "shim/alloc.h"
#include "shim/object.h"

struct widget {
	shim_object obj;
	int payload;
};

static shim_class widget_class = SHIM_CLASS_INIT("Widget");
static shim_class gadget_class = SHIM_CLASS_INIT("Gadget");
static int widgets_freed;

static void widget_free(shim_object *obj)
{
	struct widget *w = (struct widget *)obj;

	widgets_freed++;
	shim_free(w, sizeof(*w));
}

static struct widget *widget_new(void)
{
	struct widget *w = shim_zalloc(sizeof(*w));

	assert_non_null(w);
	shim_object_init(&w->obj, &widget_class, widget_free);
	return w;
}

static void test_object_init_sets_refcount_one_and_counts_live(void **state)
{
	long live = shim_class_live(&widget_class);
	long created = widget_class.created;
	struct widget *w;

	(void)state;
	w = widget_new();
	assert_int_equal(1, shim_object_refcount(&w->obj));
	assert_string_equal("Widget", shim_object_class_name(&w->obj));
	assert_int_equal(live + 1, shim_class_live(&widget_class));
	assert_int_equal(created + 1, widget_class.created);
	shim_object_release(&w->obj);
}

static void test_object_retain_and_release_balance(void **state)
{
	int freed = widgets_freed;
	struct widget *w;

	(void)state;
	w = widget_new();
	shim_object_retain(&w->obj);
	assert_int_equal(2, shim_object_refcount(&w->obj));
	shim_object_release(&w->obj);
	assert_int_equal(1, shim_object_refcount(&w->obj));
	assert_int_equal(freed, widgets_freed);
	shim_object_release(&w->obj);
	assert_int_equal(freed + 1, widgets_freed);
}

static void test_object_release_to_zero_runs_free_and_drops_live_count(void **state)
{
	long live = shim_class_live(&widget_class);
	struct shim_counters before, after;
	int freed = widgets_freed;
	struct widget *w;

	(void)state;
	shim_counters_snapshot(&before);
	w = widget_new();
	shim_object_release(&w->obj);
	shim_counters_snapshot(&after);
	assert_int_equal(freed + 1, widgets_freed);
	assert_int_equal(live, shim_class_live(&widget_class));
	assert_int_equal(before.objects_live, after.objects_live);
	assert_int_equal(before.alloc_count, after.alloc_count);
}

static void test_object_release_underflow_is_recorded(void **state)
{
	shim_object obj;
	long live = shim_class_live(&gadget_class);

	(void)state;
	/* No free_fn: the object outlives refcount 0, as a stale pointer would. */
	shim_object_init(&obj, &gadget_class, NULL);
	shim_object_release(&obj);
	assert_int_equal(live, shim_class_live(&gadget_class));
	shim_object_release(&obj);
	assert_int_equal(SHIM_V_REFCOUNT_UNDERFLOW, core_take_single_violation());
	assert_int_equal(0, shim_object_refcount(&obj));
	assert_int_equal(live, shim_class_live(&gadget_class));
}

static void test_object_retain_of_dead_object_is_recorded(void **state)
{
	shim_object obj;

	(void)state;
	shim_object_init(&obj, &gadget_class, NULL);
	shim_object_release(&obj);
	shim_object_retain(&obj);
	assert_int_equal(SHIM_V_REFCOUNT_UNDERFLOW, core_take_single_violation());
	assert_int_equal(0, shim_object_refcount(&obj));
}

static void test_object_null_retain_and_release_are_recorded(void **state)
{
	(void)state;
	shim_object_retain(NULL);
	assert_int_equal(SHIM_V_BAD_STATE, core_take_single_violation());
	shim_object_release(NULL);
	assert_int_equal(SHIM_V_BAD_STATE, core_take_single_violation());
}

static void test_object_classes_are_listed_once_and_summed(void **state)
{
	const shim_class *list[64];
	struct widget *a, *b;
	shim_object g;
	size_t n;
	int widget_seen = 0, gadget_seen = 0;
	long total;

	(void)state;
	a = widget_new();
	b = widget_new();
	shim_object_init(&g, &gadget_class, NULL);
	n = shim_class_list(list, 64);
	assert_int_equal(n, shim_class_list(NULL, 0));
	for (size_t i = 0; i < n; i++) {
		widget_seen += list[i] == &widget_class;
		gadget_seen += list[i] == &gadget_class;
	}
	assert_int_equal(1, widget_seen);
	assert_int_equal(1, gadget_seen);
	total = shim_classes_live_total();
	assert_int_equal(shim_class_live(&widget_class) + shim_class_live(&gadget_class), total);
	assert_true(shim_class_live(&widget_class) >= 2);
	/* A short output array gets only what fits. */
	assert_int_equal(1, shim_class_list(list, 1));
	shim_object_release(&a->obj);
	shim_object_release(&b->obj);
	shim_object_release(&g);
	assert_int_equal(total - 3, shim_classes_live_total());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_object_init_sets_refcount_one_and_counts_live),
		CORE_TEST(test_object_retain_and_release_balance),
		CORE_TEST(test_object_release_to_zero_runs_free_and_drops_live_count),
		CORE_TEST(test_object_release_underflow_is_recorded),
		CORE_TEST(test_object_retain_of_dead_object_is_recorded),
		CORE_TEST(test_object_null_retain_and_release_are_recorded),
		CORE_TEST(test_object_classes_are_listed_once_and_summed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
