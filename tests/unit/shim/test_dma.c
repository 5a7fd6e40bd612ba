/* DMA buffers and memory descriptors on the fake host: top-down placement
 * under the physical mask, alignment, prepare/complete balance, DMA
 * addresses only while prepared, and device DMA checked against prepared
 * ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "shim/memory.h"
#include "shim/workloop.h"

#define MASK_16M 0x00ffffffull
#define BDF SHIM_BDF(0, 4, 0)

static shim_pci_device *dma_device(struct plat_fixture *f)
{
	fake_dev_add(f->fh, BDF, 0x1234, 0x11e8);
	plat_machine(f);
	return shim_machine_device(f->m, 0);
}

static uint64_t phys_of(shim_memdesc *md)
{
	uint64_t addr = 0;

	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	assert_int_equal(SHIM_OK, shim_memdesc_dma_address(md, 0, shim_memdesc_length(md), &addr));
	assert_int_equal(SHIM_OK, shim_memdesc_complete(md));
	return addr;
}

static void test_dma_buffer_is_placed_top_down_under_the_mask(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	uint64_t pool_end = f->fh->layout.dma_base + f->fh->layout.dma_size;
	shim_memdesc *a, *b, *c;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 8192, 0, MASK_16M, &a));
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 8192, 0, UINT64_MAX, &b));
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 8192, 0, MASK_16M, &c));
	assert_int_equal(0x1000000 - 8192, phys_of(a));
	assert_int_equal(pool_end - 8192, phys_of(b));
	assert_int_equal(0x1000000 - 2 * 8192, phys_of(c));
	shim_memdesc_release(a);
	shim_memdesc_release(b);
	shim_memdesc_release(c);
}

static void test_dma_buffer_honours_alignment(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	shim_memdesc *a, *b;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 0x100, 0x10000, MASK_16M, &a));
	assert_int_equal(0xff0000, phys_of(a));
	/* Default alignment is a page; the space above a is still free. */
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 0x100, 0, MASK_16M, &b));
	assert_int_equal(0xfff000, phys_of(b));
	shim_memdesc_release(a);
	shim_memdesc_release(b);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_dma_buffer_alloc(dev, 0x100, 3, MASK_16M, &a));
	assert_null(a);
}

static void test_dma_buffer_under_a_mask_below_the_pool_is_refused(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	shim_memdesc *md;

	assert_int_equal(SHIM_ERR_NO_RESOURCES, shim_dma_buffer_alloc(dev, 4096, 0, 0xfffff, &md));
	assert_null(md);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_dma_buffer_alloc(dev, 0, 0, MASK_16M, &md));
}

static void test_dma_buffer_is_wired_until_released_and_space_is_reused(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	struct shim_counters before, during;
	shim_memdesc *a, *b;
	uint64_t first;

	shim_counters_snapshot(&before);
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 12288, 0, MASK_16M, &a));
	shim_counters_snapshot(&during);
	assert_int_equal(before.wired_bytes + 12288, during.wired_bytes);
	first = phys_of(a);
	shim_memdesc_release(a);
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 12288, 0, MASK_16M, &b));
	assert_int_equal(first, phys_of(b));
	shim_memdesc_release(b);
}

static void test_memdesc_prepare_nests_and_complete_without_prepare_records(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	shim_memdesc *md;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 4096, 0, MASK_16M, &md));
	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	assert_int_equal(SHIM_OK, shim_memdesc_complete(md));
	assert_true(shim_memdesc_is_prepared(md));
	assert_int_equal(SHIM_OK, shim_memdesc_complete(md));
	assert_false(shim_memdesc_is_prepared(md));
	assert_int_equal(0, shim_verifier_count());
	assert_int_equal(SHIM_ERR_NOT_READY, shim_memdesc_complete(md));
	assert_int_equal(1, plat_take_violations(SHIM_V_PREPARE_UNBALANCED));
	shim_memdesc_release(md);
}

static void test_memdesc_release_while_prepared_records_and_unprepares(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	struct shim_counters before, after;
	shim_memdesc *md;

	shim_counters_snapshot(&before);
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 4096, 0, MASK_16M, &md));
	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	shim_memdesc_release(md);
	assert_int_equal(1, plat_take_violations(SHIM_V_PREPARE_UNBALANCED));
	shim_counters_snapshot(&after);
	assert_int_equal(before.prepared, after.prepared);
	assert_int_equal(before.wired_bytes, after.wired_bytes);
}

static void test_memdesc_dma_address_requires_prepare_and_checks_range(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	shim_memdesc *md;
	uint64_t addr = 0;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 4096, 0, MASK_16M, &md));
	assert_int_equal(SHIM_ERR_NOT_READY, shim_memdesc_dma_address(md, 0, 16, &addr));
	assert_int_equal(1, plat_take_violations(SHIM_V_DMA_UNPREPARED));
	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	assert_int_equal(SHIM_OK, shim_memdesc_dma_address(md, 0x100, 0x10, &addr));
	assert_int_equal(0xfff100, addr);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_memdesc_dma_address(md, 4000, 97, &addr));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_memdesc_dma_address(md, UINT64_MAX, 2, &addr));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_memdesc_dma_address(md, 16, UINT64_MAX - 8, &addr));
	assert_int_equal(SHIM_OK, shim_memdesc_complete(md));
	shim_memdesc_release(md);
}

static void test_memdesc_cpu_access_goes_to_guest_ram(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	const char msg[] = "hello, device";
	char back[sizeof(msg)] = { 0 };
	shim_memdesc *md;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 4096, 0, MASK_16M, &md));
	assert_int_equal(SHIM_OK, shim_memdesc_write(md, 100, msg, sizeof(msg)));
	assert_memory_equal(msg, &f->fh->ram[phys_of(md) + 100], sizeof(msg));
	assert_int_equal(SHIM_OK, shim_memdesc_read(md, 100, back, sizeof(back)));
	assert_string_equal(msg, back);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_memdesc_write(md, 4090, msg, sizeof(msg)));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_memdesc_read(md, UINT64_MAX, back, 2));
	shim_memdesc_release(md);
}

static void test_device_dma_outside_prepared_memory_records(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = dma_device(f);
	shim_workloop *wl = shim_machine_workloop(f->m);
	shim_memdesc *prepared, *idle;
	uint64_t p, q;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 4096, 0, MASK_16M, &prepared));
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(dev, 4096, 0, MASK_16M, &idle));
	q = phys_of(idle);
	assert_int_equal(SHIM_OK, shim_memdesc_prepare(prepared));
	assert_int_equal(SHIM_OK, shim_memdesc_dma_address(prepared, 0, 4096, &p));

	fake_host_queue_dma(f->fh, BDF, p, 4096, true);
	fake_host_queue_dma(f->fh, BDF, p + 100, 8, false);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(wl, 0));
	assert_int_equal(0, shim_verifier_count());

	fake_host_queue_dma(f->fh, BDF, p + 4000, 97, true);  /* runs past the end */
	fake_host_queue_dma(f->fh, BDF, q, 16, false);        /* unprepared buffer */
	fake_host_queue_dma(f->fh, BDF, UINT64_MAX - 1, 4, true);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(wl, 0));
	assert_int_equal(3, plat_take_violations(SHIM_V_DMA_OUT_OF_RANGE));

	assert_int_equal(SHIM_OK, shim_memdesc_complete(prepared));
	fake_host_queue_dma(f->fh, BDF, p, 16, true);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(wl, 0));
	assert_int_equal(1, plat_take_violations(SHIM_V_DMA_OUT_OF_RANGE));
	shim_memdesc_release(prepared);
	shim_memdesc_release(idle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_dma_buffer_is_placed_top_down_under_the_mask),
		PLAT_TEST(test_dma_buffer_honours_alignment),
		PLAT_TEST(test_dma_buffer_under_a_mask_below_the_pool_is_refused),
		PLAT_TEST(test_dma_buffer_is_wired_until_released_and_space_is_reused),
		PLAT_TEST(test_memdesc_prepare_nests_and_complete_without_prepare_records),
		PLAT_TEST(test_memdesc_release_while_prepared_records_and_unprepares),
		PLAT_TEST(test_memdesc_dma_address_requires_prepare_and_checks_range),
		PLAT_TEST(test_memdesc_cpu_access_goes_to_guest_ram),
		PLAT_TEST(test_device_dma_outside_prepared_memory_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
