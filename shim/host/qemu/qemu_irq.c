/* Interrupts and time on the qemu host. MSI and MSI-X: each routed vector
 * owns a 4-byte slot in a guest-RAM mailbox page; a non-zero slot is a
 * delivered message (taken and cleared in one atomic exchange through the
 * host's mapping of guest RAM, or read then cleared through qtest without
 * it). INTx: IOAPIC inputs intercepted through qtest. Time: the HPET main
 * counter plus the real time spent waiting in clock_run (and the idle time
 * clock_skip passes at once), so shim timeouts elapse while QEMU's virtual
 * clock stands still. The HPET is read again only after a write (which may
 * arm a device timer) or a wait: reads of it are round trips, and an I/O
 * needs none. */
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "qemu_internal.h"

#define HPET_BASE 0xfed00000u
#define HPET_PERIOD 0x04u      /* high dword of capabilities: fs per tick */
#define HPET_CONFIG 0x10u
#define HPET_ENABLE 0x1u
#define HPET_COUNTER 0xf0u
#define FS_PER_NS 1000000u

#define RUN_SLICE_NS 2000000u  /* clock_run returns after at most this much real time */
#define RUN_POLL_NS 250000u    /* wait for async IRQ lines between mailbox/clock checks */
/* With the mailbox in mapped memory a message is seen without asking QEMU:
 * spin (yielding) this long after the last exchange, then wait in short
 * naps, reading the HPET only every RUN_POLL_NS. */
#define RUN_SPIN_NS 200000u
#define RUN_NAP_NS 20000u

#define Q35_FIRST_PIRQ_E_GSI 20u  /* root-bus slots swizzle onto PIRQ E..H = GSI 20..23 */
#define Q35_MAX_ROOT_SLOT 24u
#define PIIX_PIRQ_ROUTE 0x60u     /* config of 00:01.0: PIRQ A..D -> ISA IRQ */
#define PIIX_BDF SHIM_BDF(0, 1, 0)
/* ISA IRQs for PIRQ A..D on pc: classic PCI lines, clear of SCI (9) and IDE (14, 15). */
static const uint8_t pc_pirq_irq[4] = { 10, 11, 5, 7 };

shim_ret shim_qemu_irq_setup(struct shim_qemu_host *h)
{
	uint64_t period;
	shim_ret r = shim_qemu_qtest_read(&h->qt, HPET_BASE + HPET_PERIOD, 4, &period);

	if (r == SHIM_OK)
		r = shim_qemu_qtest_write(&h->qt, HPET_BASE + HPET_CONFIG, 4, HPET_ENABLE);
	if (r == SHIM_OK)
		r = shim_qemu_qtest_memset(&h->qt, h->mailbox, SHIM_QEMU_PAGE, 0);
	if (r == SHIM_OK && (period == 0 || period > 100000000u)) {
		char detail[160];

		/* pc and q35 always have an HPET: a missing one is a broken QEMU. */
		snprintf(detail, sizeof(detail),
			 "QEMU's HPET at 0x%x is absent or unusable (period %llu fs)", HPET_BASE,
			 (unsigned long long)period);
		return shim_qemu_host_result(h, SHIM_ERR_HOST, detail);
	}
	h->hpet_period_fs = period;
	return r;
}

static shim_ret irq_hpet_read(struct shim_qemu_host *h, uint64_t *ns)
{
	uint64_t ticks;
	shim_ret r = shim_qemu_qtest_read(&h->qt, HPET_BASE + HPET_COUNTER, 8, &ticks);

	if (r != SHIM_OK)
		return shim_qemu_host_result(h, r, h->qt.detail);
	*ns = ticks / FS_PER_NS * h->hpet_period_fs +
	      ticks % FS_PER_NS * h->hpet_period_fs / FS_PER_NS + h->hpet_offset_ns;
	h->hpet_ns = *ns;
	h->hpet_fresh = true;
	return SHIM_OK;
}

/* The HPET, read again only when it may have moved since the last read. */
static shim_ret irq_hpet_ns(struct shim_qemu_host *h, uint64_t *ns)
{
	if (h->hpet_fresh) {
		*ns = h->hpet_ns;
		return SHIM_OK;
	}
	return irq_hpet_read(h, ns);
}

uint64_t shim_qemu_clock_ns(void *ctx)
{
	struct shim_qemu_host *h = ctx;
	uint64_t hpet;

	if (!h->dead && irq_hpet_ns(h, &hpet) == SHIM_OK && hpet + h->idle_ns > h->last_clock_ns)
		h->last_clock_ns = hpet + h->idle_ns;
	return h->last_clock_ns;
}

static bool irq_msi_pending(const struct shim_qemu_host *h)
{
	for (size_t i = 0; i < SHIM_QEMU_MSI_VECTORS / 32; i++)
		if (h->msi_pending[i])
			return true;
	return false;
}

/* Through the mapping: each slot taken and cleared in one atomic exchange,
 * so no message is lost however close behind another it comes. */
static void irq_scan_mapped(struct shim_qemu_host *h, uint32_t *slots)
{
	for (uint32_t v = 0; v < h->msi_slots; v++) {
		if (__atomic_load_n(&slots[v], __ATOMIC_ACQUIRE) == 0)
			continue;
		(void)__atomic_exchange_n(&slots[v], 0u, __ATOMIC_ACQ_REL);
		h->msi_pending[v / 32] |= 1u << (v % 32);
	}
}

/* Reads the used part of the mailbox, marks non-zero slots pending and clears them.
 * Without the mapping, a message landing between the read and the clear is
 * lost: qtest has no atomic exchange, and the window is one round trip. */
static shim_ret irq_scan_mailbox(struct shim_qemu_host *h)
{
	uint32_t slots[SHIM_QEMU_MSI_VECTORS];
	uint8_t *mapped;
	shim_ret r;

	if (h->msi_slots == 0)
		return SHIM_OK;
	mapped = shim_qemu_ram_ptr(h, h->mailbox, 4u * h->msi_slots);
	if (mapped) {
		irq_scan_mapped(h, (uint32_t *)(void *)mapped);
		return SHIM_OK;
	}
	r = shim_qemu_qtest_b64read(&h->qt, h->mailbox, slots, 4u * h->msi_slots);
	for (uint32_t v = 0; r == SHIM_OK && v < h->msi_slots; v++) {
		if (slots[v] == 0)
			continue;
		r = shim_qemu_qtest_write(&h->qt, h->mailbox + 4u * v, 4, 0);
		h->msi_pending[v / 32] |= 1u << (v % 32);
	}
	return shim_qemu_host_result(h, r, h->qt.detail);
}

static bool irq_seen(const struct shim_qemu_host *h)
{
	return h->qt.intx_count || irq_msi_pending(h);
}

/* Waits up to wait_ns of real time for an INTx line on the socket or, with
 * the mailbox mapped, a message in memory (checked between short naps). */
static shim_ret irq_wait(struct shim_qemu_host *h, uint64_t wait_ns, uint64_t spin_until)
{
	uint64_t end = shim_qemu_now_ns() + wait_ns;
	shim_ret r;

	if (!shim_qemu_ram_ptr(h, h->mailbox, SHIM_QEMU_PAGE)) {
		r = shim_qemu_qtest_pump(&h->qt, end);
		if (r == SHIM_OK && h->qt.intx_count == 0)
			r = irq_scan_mailbox(h);
		return r;
	}
	for (;;) {
		uint64_t now = shim_qemu_now_ns();

		r = shim_qemu_qtest_pump(&h->qt, 0);
		if (r == SHIM_OK)
			r = irq_scan_mailbox(h);
		if (r != SHIM_OK || irq_seen(h) || now >= end)
			return r;
		if (now < spin_until) {
			sched_yield(); /* QEMU (or the remote) is posting: look again soon */
		} else {
			struct pollfd pfd = { .fd = h->qt.ch.fd, .events = POLLIN };
			uint64_t nap = end - now < RUN_NAP_NS ? end - now : RUN_NAP_NS;
			struct timespec ts = { 0, (long)nap };

			(void)ppoll(&pfd, 1, &ts, NULL);
		}
	}
}

shim_ret shim_qemu_clock_run(void *ctx, uint64_t until_ns)
{
	struct shim_qemu_host *h = ctx;
	uint64_t start_hpet, hpet, real_start = shim_qemu_now_ns(), real_end;
	shim_ret r;

	if (h->dead)
		return SHIM_ERR_HOST;
	r = irq_hpet_ns(h, &start_hpet);
	if (r != SHIM_OK)
		return r;
	if (start_hpet + h->idle_ns >= until_ns)
		return SHIM_OK;
	uint64_t left = until_ns - (start_hpet + h->idle_ns);
	real_end = real_start + (left < RUN_SLICE_NS ? left : RUN_SLICE_NS);
	for (;;) {
		uint64_t now = shim_qemu_now_ns();
		uint64_t poll_end = now + RUN_POLL_NS < real_end ? now + RUN_POLL_NS : real_end;

		r = irq_wait(h, poll_end - now, real_start + RUN_SPIN_NS);
		if (r != SHIM_OK)
			break;
		/* An interrupt: let the caller look. If a device timer fired
		 * meanwhile, the clock catches up at the next write or wait. */
		if (irq_seen(h))
			break;
		r = irq_hpet_read(h, &hpet);
		if (r != SHIM_OK)
			break;
		/* a device timer fired (the clock moved): let the caller look */
		if (hpet != start_hpet || shim_qemu_now_ns() >= real_end)
			break;
	}
	h->idle_ns += shim_qemu_now_ns() - real_start;
	return shim_qemu_host_result(h, r, h->qt.detail);
}

/* Time the machine idles passes here in real time (clock_run); skipped
 * time is idle time that took none. QEMU's own clock is left alone: under
 * icount it jumps to a device timer by itself. */
shim_ret shim_qemu_clock_skip(void *ctx, uint64_t ns)
{
	struct shim_qemu_host *h = ctx;

	if (h->dead)
		return SHIM_ERR_HOST;
	h->idle_ns += ns;
	return SHIM_OK;
}

shim_ret shim_qemu_msi_route(void *ctx, uint32_t vector, uint64_t *addr, uint32_t *data)
{
	struct shim_qemu_host *h = ctx;
	shim_ret r;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (vector >= SHIM_QEMU_MSI_VECTORS)
		return shim_qemu_host_result(h, SHIM_ERR_NO_RESOURCES, "MSI vector beyond the mailbox");
	r = shim_qemu_qtest_write(&h->qt, h->mailbox + 4u * vector, 4, 0);
	if (r != SHIM_OK)
		return shim_qemu_host_result(h, r, h->qt.detail);
	h->msi_pending[vector / 32] &= ~(1u << (vector % 32));
	if (h->msi_slots < vector + 1)
		h->msi_slots = vector + 1;
	*addr = h->mailbox + 4u * vector;
	*data = vector + 1;  /* non-zero, fits the 16-bit MSI data */
	return SHIM_OK;
}

static shim_ret irq_program_pirq(struct shim_qemu_host *h)
{
	uint32_t route = 0;

	for (unsigned i = 0; i < 4; i++)
		route |= (uint32_t)pc_pirq_irq[i] << (8 * i);
	return shim_qemu_host_cfg_write(h, PIIX_BDF, PIIX_PIRQ_ROUTE, 4, route);
}

shim_ret shim_qemu_intx_route(void *ctx, uint16_t bdf, uint8_t pin, uint32_t *line)
{
	struct shim_qemu_host *h = ctx;
	unsigned slot = (bdf >> 3) & 0x1f;
	shim_ret r;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (pin < 1 || pin > 4)
		return shim_qemu_host_result(h, SHIM_ERR_BAD_ARGUMENT, "INTx pin outside 1..4");
	if ((bdf >> 8) != 0 || (!h->is_pc && slot > Q35_MAX_ROOT_SLOT))
		return shim_qemu_host_result(h, SHIM_ERR_UNSUPPORTED, "INTx routing only for root-bus slots");
	if (!h->intercepting) {
		r = shim_qemu_qtest_irq_intercept_in(&h->qt, "ioapic");
		if (r != SHIM_OK)
			return shim_qemu_host_result(h, r, h->qt.detail);
		h->intercepting = true;
	}
	if (h->is_pc && !h->pirq_programmed) {
		r = irq_program_pirq(h);
		if (r != SHIM_OK)
			return r;
		h->pirq_programmed = true;
	}
	if (h->is_pc)
		*line = pc_pirq_irq[(slot + pin - 1u + 3u) % 4u];  /* PIRQ = (pin0 + slot - 1) mod 4 */
	else
		*line = Q35_FIRST_PIRQ_E_GSI + (slot + pin - 1u) % 4u;
	return SHIM_OK;
}

static bool irq_pop_msi(struct shim_qemu_host *h, struct shim_host_irq *ev)
{
	for (uint32_t v = 0; v < h->msi_slots; v++) {
		if (!(h->msi_pending[v / 32] & (1u << (v % 32))))
			continue;
		h->msi_pending[v / 32] &= ~(1u << (v % 32));
		ev->kind = SHIM_HOST_IRQ_MSI;
		ev->id = v;
		ev->level = true;
		return true;
	}
	return false;
}

shim_ret shim_qemu_irq_next(void *ctx, struct shim_host_irq *ev)
{
	struct shim_qemu_host *h = ctx;
	struct shim_qemu_intx_event ix;
	shim_ret r;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (irq_pop_msi(h, ev))
		return SHIM_OK;
	r = shim_qemu_qtest_pump(&h->qt, 0);
	if (r != SHIM_OK)
		return shim_qemu_host_result(h, r, h->qt.detail);
	if (shim_qemu_qtest_intx_pop(&h->qt, &ix)) {
		ev->kind = SHIM_HOST_IRQ_INTX;
		ev->id = ix.line;
		ev->level = ix.level;
		return SHIM_OK;
	}
	r = irq_scan_mailbox(h);
	if (r != SHIM_OK)
		return r;
	return irq_pop_msi(h, ev) ? SHIM_OK : SHIM_ERR_NOT_FOUND;
}

shim_ret shim_qemu_irq_after_reset(struct shim_qemu_host *h)
{
	uint64_t hpet;
	shim_ret r = shim_qemu_irq_setup(h);

	h->hpet_fresh = false;
	if (r == SHIM_OK)
		r = irq_hpet_read(h, &hpet);
	if (r != SHIM_OK)
		return shim_qemu_host_result(h, r, h->qt.detail);
	/* The counter restarted from zero: shift it up to the last time seen. */
	if (hpet + h->idle_ns < h->last_clock_ns)
		h->hpet_offset_ns += h->last_clock_ns - (hpet + h->idle_ns);
	memset(h->msi_pending, 0, sizeof(h->msi_pending));
	if (h->pirq_programmed)
		return irq_program_pirq(h);
	return SHIM_OK;
}
