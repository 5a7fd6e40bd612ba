/* Interrupt event sources on the fake host: MSI programming, pending
 * interrupts of disabled sources, INTx level handling and its auto-disable,
 * MSI silencing the legacy handler, one source per index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fake_host.h"
#include "internal.h"
#include "shim/workloop.h"

#define SLOT 4
#define LINE (FAKE_INTX_LINE_BASE + SLOT)
#define MSI_CTRL (FAKE_MSI_CAP + 2)

struct irq_probe {
	shim_workloop *wl;
	struct fake_host *fh;
	int filters, actions, last_count;
	bool filter_says;
	bool nested_delay;      /* action runs the loop while the line is still high */
	int filters_seen_in_action;
	bool lower_line_in_action;
	bool contexts_ok;
};

static bool probe_filter(void *owner, shim_intr_source *src)
{
	struct irq_probe *p = owner;

	(void)src;
	p->contexts_ok = p->contexts_ok && shim_context_current() == SHIM_CTX_FILTER;
	p->filters++;
	return p->filter_says;
}

static void probe_action(void *owner, shim_intr_source *src, int count)
{
	struct irq_probe *p = owner;

	(void)src;
	p->contexts_ok = p->contexts_ok && shim_context_current() == SHIM_CTX_GATED;
	p->actions++;
	p->last_count = count;
	if (p->nested_delay) {
		int before = p->filters;

		assert_int_equal(SHIM_OK, shim_workloop_delay_ns(p->wl, 10));
		p->filters_seen_in_action = p->filters - before;
	}
	if (p->lower_line_in_action)
		fake_host_queue_irq(p->fh, SHIM_HOST_IRQ_INTX, LINE, false);
}

static shim_pci_device *irq_device(struct plat_fixture *f, unsigned mmc_log2,
				   struct fake_dev **out, struct irq_probe *p)
{
	struct fake_dev *d = fake_dev_add(f->fh, SHIM_BDF(0, SLOT, 0), 0x1234, 0x11e8);

	fake_dev_msi(d, mmc_log2, true);
	fake_dev_pin(d, 1);
	plat_machine(f);
	*out = d;
	*p = (struct irq_probe){ .wl = shim_machine_workloop(f->m), .fh = f->fh,
				 .filter_says = true, .contexts_ok = true };
	return shim_machine_device(f->m, 0);
}

static void step(struct irq_probe *p)
{
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(p->wl, 0));
}

static void test_intr_msi_source_programs_capability_and_disables_intx(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 0, &d, &p);
	shim_intr_source *src;

	assert_int_equal(0, fake_cfg16(d, MSI_CTRL) & 1);
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 1, probe_filter, probe_action,
							  &p, &src));
	assert_int_equal(1, fake_cfg16(d, MSI_CTRL) & 1);
	assert_int_equal((uint32_t)FAKE_MSI_ADDR, fake_cfg32(d, FAKE_MSI_CAP + 4));
	assert_int_equal(0, fake_cfg32(d, FAKE_MSI_CAP + 8));
	assert_int_not_equal(0, fake_cfg16(d, FAKE_MSI_CAP + 12));
	assert_int_equal(0x400, fake_cfg16(d, 0x04) & 0x400);

	shim_intr_source_enable(src);
	assert_true(fake_dev_fire_msi(f->fh, d, 0));
	step(&p);
	assert_int_equal(1, p.filters);
	assert_int_equal(1, p.actions);
	assert_int_equal(1, p.last_count);
	assert_true(p.contexts_ok);

	shim_intr_source_release(src);
	assert_int_equal(0, fake_cfg16(d, MSI_CTRL) & 1);
	assert_int_equal(0, fake_cfg16(d, 0x04) & 0x400);
}

static void test_intr_msi_arriving_while_disabled_is_delivered_on_enable(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 0, &d, &p);
	shim_intr_source *src;

	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 1, probe_filter, probe_action,
							  &p, &src));
	assert_true(fake_dev_fire_msi(f->fh, d, 0));
	assert_true(fake_dev_fire_msi(f->fh, d, 0));
	step(&p);
	assert_int_equal(0, p.filters);
	shim_intr_source_enable(src);
	step(&p);
	assert_int_equal(2, p.filters);
	assert_int_equal(1, p.actions);
	assert_int_equal(2, p.last_count);
	shim_intr_source_release(src);
}

static void test_intr_msi_vectors_of_a_multi_message_device_reach_their_index(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p, q;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 2, &d, &p);
	shim_intr_source *one, *three, *five;

	q = p;
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 1, probe_filter, probe_action,
							  &p, &one));
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 3, probe_filter, probe_action,
							  &q, &three));
	assert_int_equal(2 << 4, fake_cfg16(d, MSI_CTRL) & 0x70);
	shim_intr_source_enable(one);
	shim_intr_source_enable(three);
	assert_true(fake_dev_fire_msi(f->fh, d, 2));
	step(&p);
	assert_int_equal(0, p.actions);
	assert_int_equal(1, q.actions);
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 shim_intr_source_create(p.wl, dev, 5, NULL, probe_action, &p, &five));
	assert_null(five);
	shim_intr_source_release(three);
	assert_int_equal(1, fake_cfg16(d, MSI_CTRL) & 1); /* index 1 still uses MSI */
	shim_intr_source_release(one);
	assert_int_equal(0, fake_cfg16(d, MSI_CTRL) & 1);
}

static void test_intr_second_source_for_an_index_is_busy(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 0, &d, &p);
	shim_intr_source *a, *b;

	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 0, probe_filter, probe_action,
							  &p, &a));
	assert_int_equal(SHIM_ERR_BUSY, shim_intr_source_create(p.wl, dev, 0, probe_filter,
								probe_action, &p, &b));
	assert_null(b);
	shim_intr_source_release(a);
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 0, probe_filter, probe_action,
							  &p, &b));
	shim_intr_source_release(b);
}

static void test_intr_intx_level_source_is_auto_disabled_until_its_action_ran(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 0, &d, &p);
	shim_intr_source *src;

	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 0, probe_filter, probe_action,
							  &p, &src));
	/* The line goes high before the source is enabled: remembered as a level. */
	fake_host_queue_irq(f->fh, SHIM_HOST_IRQ_INTX, LINE, true);
	step(&p);
	assert_int_equal(0, p.filters);
	shim_intr_source_enable(src);
	p.nested_delay = true;
	step(&p);
	assert_int_equal(1, p.filters);
	assert_int_equal(1, p.actions);
	assert_int_equal(0, p.filters_seen_in_action);
	/* The action has run and the line is still high: the filter is asked again. */
	p.nested_delay = false;
	p.lower_line_in_action = true;
	step(&p);
	assert_int_equal(2, p.filters);
	assert_int_equal(2, p.actions);
	step(&p);
	step(&p);
	assert_int_equal(2, p.filters);
	assert_true(p.contexts_ok);
	shim_intr_source_release(src);
}

static void test_intr_intx_filter_declining_does_not_schedule_the_action(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 0, &d, &p);
	shim_intr_source *src;

	p.filter_says = false;
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 0, probe_filter, probe_action,
							  &p, &src));
	shim_intr_source_enable(src);
	fake_host_queue_irq(f->fh, SHIM_HOST_IRQ_INTX, LINE, true);
	step(&p);
	step(&p);
	assert_int_equal(2, p.filters);
	assert_int_equal(0, p.actions);
	shim_intr_source_release(src);
}

static void test_intr_msi_silences_the_legacy_handler(void **state)
{
	struct plat_fixture *f = *state;
	struct irq_probe p, legacy;
	struct fake_dev *d;
	shim_pci_device *dev = irq_device(f, 0, &d, &p);
	shim_intr_source *msi, *intx;

	legacy = p;
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 0, probe_filter, probe_action,
							  &legacy, &intx));
	assert_int_equal(SHIM_OK, shim_intr_source_create(p.wl, dev, 1, probe_filter, probe_action,
							  &p, &msi));
	shim_intr_source_enable(intx);
	shim_intr_source_enable(msi);
	fake_host_queue_irq(f->fh, SHIM_HOST_IRQ_INTX, LINE, true);
	assert_true(fake_dev_fire_msi(f->fh, d, 0));
	step(&p);
	assert_int_equal(1, p.actions);
	assert_int_equal(0, legacy.filters);
	shim_intr_source_release(msi);
	shim_intr_source_release(intx);
}

static void test_intr_unsupported_indexes_are_refused(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = fake_dev_add(f->fh, SHIM_BDF(0, SLOT, 0), 0x1234, 0x11e8);
	shim_intr_source *src;
	int owner;

	(void)d;
	plat_machine(f);
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 shim_intr_source_create(shim_machine_workloop(f->m),
						 shim_machine_device(f->m, 0), 0, NULL, probe_action,
						 &owner, &src));
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 shim_intr_source_create(shim_machine_workloop(f->m),
						 shim_machine_device(f->m, 0), 1, NULL, probe_action,
						 &owner, &src));
	assert_null(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_intr_msi_source_programs_capability_and_disables_intx),
		PLAT_TEST(test_intr_msi_arriving_while_disabled_is_delivered_on_enable),
		PLAT_TEST(test_intr_msi_vectors_of_a_multi_message_device_reach_their_index),
		PLAT_TEST(test_intr_second_source_for_an_index_is_busy),
		PLAT_TEST(test_intr_intx_level_source_is_auto_disabled_until_its_action_ran),
		PLAT_TEST(test_intr_intx_filter_declining_does_not_schedule_the_action),
		PLAT_TEST(test_intr_msi_silences_the_legacy_handler),
		PLAT_TEST(test_intr_unsupported_indexes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
