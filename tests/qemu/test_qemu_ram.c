/* Guest RAM on the qemu host, shared: a memfd this process maps and QEMU
 * uses as the machine's memory, so the CPU mapping (ram_map) and QEMU's
 * own accesses see the same bytes, below 4 GiB and above it (max-ram-
 * below-4g puts RAM there on q35 and pc alike); a message stored in the
 * MSI mailbox is seen without a qtest exchange; and the round-trip counter
 * counts exchanges, which the mapping saves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shim/host_qemu.h"

#define LOW_MB 64u
#define HIGH_MB 32u
#define FOUR_GIB 0x100000000ull
#define LOW_ADDR 0x200000ull

static void ram_host(const char *machine, struct shim_host *h)
{
	struct shim_qemu_options o = { .machine = machine, .ram_mb = LOW_MB, .ram_high_mb = HIGH_MB };
	char err[512] = "";
	shim_ret r = shim_qemu_host_create(&o, h, err, sizeof(err));

	if (r != SHIM_OK)
		fail_msg("qemu host (%s): %s: %s", machine, shim_ret_string(r), err);
}

/* Written through the mapping, read by QEMU (qtest), and the other way. */
static void ram_shared_at(struct shim_host *h, uint64_t gpa)
{
	uint8_t *p = NULL;
	uint64_t v = 0;

	assert_int_equal(SHIM_OK, h->ops->ram_map(h->ctx, gpa, 8, (void **)&p));
	memcpy(p, "\x78\x56\x34\x12", 4);
	assert_int_equal(SHIM_OK, h->ops->mem_read(h->ctx, gpa, 4, &v));
	assert_int_equal(0x12345678, v);
	assert_int_equal(SHIM_OK, h->ops->mem_write(h->ctx, gpa + 4, 4, 0xcafef00d));
	assert_memory_equal("\x0d\xf0\xfe\xca", p + 4, 4);
}

static void ram_check_machine(const char *machine)
{
	struct shim_host h;
	struct shim_host_layout l;

	ram_host(machine, &h);
	h.ops->layout(h.ctx, &l);
	assert_int_equal(FOUR_GIB, l.dma_high_base);
	assert_int_equal((uint64_t)HIGH_MB << 20, l.dma_high_size);
	ram_shared_at(&h, LOW_ADDR);
	ram_shared_at(&h, FOUR_GIB + 0x1000);
	ram_shared_at(&h, FOUR_GIB + ((uint64_t)HIGH_MB << 20) - 8);
	h.ops->destroy(h.ctx);
}

static void test_ram_is_shared_below_and_above_4_gib_on_q35(void **state)
{
	(void)state;
	ram_check_machine("q35");
}

static void test_ram_is_shared_below_and_above_4_gib_on_pc(void **state)
{
	(void)state;
	ram_check_machine("pc");
}

static void test_ram_map_refuses_what_is_not_ram(void **state)
{
	struct shim_host h;
	void *p = NULL;

	(void)state;
	ram_host("q35", &h);
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 h.ops->ram_map(h.ctx, ((uint64_t)LOW_MB << 20) - 4, 8, &p));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, h.ops->ram_map(h.ctx, 0xfe000000ull, 4, &p));
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 h.ops->ram_map(h.ctx, FOUR_GIB + ((uint64_t)HIGH_MB << 20), 4, &p));
	h.ops->destroy(h.ctx);
}

/* A message in the mailbox (as a device stores it) is an interrupt; with
 * the mapping, finding it takes no exchange with QEMU. */
static void test_a_mailbox_message_is_seen_without_a_round_trip(void **state)
{
	struct shim_host h;
	struct shim_host_irq ev;
	uint64_t addr = 0;
	uint32_t data = 0;
	unsigned long long before;

	(void)state;
	ram_host("q35", &h);
	assert_int_equal(SHIM_OK, h.ops->msi_route(h.ctx, 0x21, &addr, &data));
	assert_int_equal(SHIM_OK, h.ops->mem_write(h.ctx, addr, 4, data));
	before = shim_qemu_host_round_trips(&h);
	assert_int_equal(SHIM_OK, h.ops->irq_next(h.ctx, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0x21, ev.id);
	assert_int_equal(SHIM_ERR_NOT_FOUND, h.ops->irq_next(h.ctx, &ev));
	assert_int_equal(before, shim_qemu_host_round_trips(&h));
	h.ops->destroy(h.ctx);
}

/* Without the mapping (as before guest RAM was shared) the host refuses
 * ram_map and every copy and mailbox look is an exchange. */
static void test_without_the_mapping_every_copy_is_a_round_trip(void **state)
{
	struct shim_host h;
	uint8_t buf[64] = { 1, 2, 3 }, back[64];
	struct shim_host_irq ev;
	unsigned long long before;
	void *p = NULL;

	(void)state;
	ram_host("q35", &h);
	assert_int_equal(SHIM_OK, shim_qemu_host_use_ram_map(&h, false));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, h.ops->ram_map(h.ctx, LOW_ADDR, 8, &p));
	before = shim_qemu_host_round_trips(&h);
	assert_int_equal(SHIM_OK, h.ops->ram_write(h.ctx, FOUR_GIB, buf, sizeof(buf)));
	assert_int_equal(SHIM_OK, h.ops->ram_read(h.ctx, FOUR_GIB, back, sizeof(back)));
	assert_memory_equal(buf, back, sizeof(buf));
	assert_int_equal(before + 2, shim_qemu_host_round_trips(&h));
	assert_int_equal(SHIM_OK, shim_qemu_host_use_ram_map(&h, true));
	before = shim_qemu_host_round_trips(&h);
	assert_int_equal(SHIM_OK, h.ops->ram_read(h.ctx, FOUR_GIB, back, sizeof(back)));
	assert_int_equal(SHIM_ERR_NOT_FOUND, h.ops->irq_next(h.ctx, &ev));
	assert_int_equal(before, shim_qemu_host_round_trips(&h));
	h.ops->destroy(h.ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ram_is_shared_below_and_above_4_gib_on_q35),
		cmocka_unit_test(test_ram_is_shared_below_and_above_4_gib_on_pc),
		cmocka_unit_test(test_ram_map_refuses_what_is_not_ram),
		cmocka_unit_test(test_a_mailbox_message_is_seen_without_a_round_trip),
		cmocka_unit_test(test_without_the_mapping_every_copy_is_a_round_trip),
	};

	return cmocka_run_group_tests_name("qemu_ram", tests, NULL, NULL);
}
