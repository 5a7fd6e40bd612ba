/* uc_buffer_misuse MODE: a method that misuses the buffers the shim
 * marshalled its call into, run on the bare test driver. In a build with
 * AddressSanitizer each misuse must end the program with an ASan report
 * naming the method; "honest" (the same methods used within bounds) must
 * exit 0. Modes:
 *   honest              every method within its buffers
 *   read-past-struct-in one byte past the structure input
 *   write-past-scalars  one scalar past the scalar output's capacity
 *   stale-struct-in     a later call reads an earlier call's structure input */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "uc_fixture.h"

enum { SEL_READ, SEL_WRITE, SEL_KEEP, SEL_USE_KEPT, SEL_COUNT };

static int past; /* 1 under a misuse mode: how far past the end to go */
static const volatile uint8_t *kept;
static volatile uint8_t sink;

static shim_ret m_read_struct_in(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	sink = ((const volatile uint8_t *)a->struct_in)[a->struct_in_size - 1 + past];
	return SHIM_OK;
}

static shim_ret m_write_scalars(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	for (uint32_t i = 0; i < a->scalar_out_cap + past; i++)
		((volatile uint64_t *)a->scalar_out)[i] = i;
	a->scalar_out_written = a->scalar_out_cap;
	return SHIM_OK;
}

static shim_ret m_keep_struct_in(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	kept = a->struct_in;
	sink = kept[0];
	return SHIM_OK;
}

static shim_ret m_use_kept(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	(void)a;
	if (past)
		sink = kept[0];
	return SHIM_OK;
}

static const struct shim_uc_method methods[SEL_COUNT] = {
	[SEL_READ] = { .name = "read_struct_in", .fn = m_read_struct_in, .struct_in_size = 13 },
	[SEL_WRITE] = { .name = "write_scalars", .fn = m_write_scalars, .scalar_out_count = 3 },
	[SEL_KEEP] = { .name = "keep_struct_in", .fn = m_keep_struct_in, .struct_in_size = 24 },
	[SEL_USE_KEPT] = { .name = "use_kept", .fn = m_use_kept },
};
static const struct shim_uc_desc desc = { .methods = methods, .method_count = SEL_COUNT };

static shim_ret call(shim_uc_conn *c, uint32_t sel)
{
	uint8_t in[24] = { 1 };
	uint64_t out[3];
	struct shim_uc_call k = { .struct_in = in, .struct_in_size = methods[sel].struct_in_size,
				  .scalar_out = out, .scalar_out_count = methods[sel].scalar_out_count };

	return shim_uc_call(c, sel, &k);
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "honest", "read-past-struct-in",
					     "write-past-scalars", "stale-struct-in" };
	static const uint32_t sels[][2] = { { SEL_READ, SEL_WRITE }, { SEL_READ, SEL_READ },
					    { SEL_WRITE, SEL_WRITE }, { SEL_KEEP, SEL_USE_KEPT } };
	void *state = NULL;
	struct uc_fixture *f;
	shim_task *t = NULL;
	shim_uc_conn *c = NULL;
	int mode = -1;
	shim_ret r1, r2;

	for (int i = 0; argc == 2 && i < 4; i++)
		if (strcmp(argv[1], modes[i]) == 0)
			mode = i;
	if (mode < 0) {
		fprintf(stderr, "usage: uc_buffer_misuse honest|read-past-struct-in|"
				"write-past-scalars|stale-struct-in\n");
		return 2;
	}
	if (uc_fixture_boot(&state) != 0)
		return 3;
	f = state;
	if (shim_service_set_userclient(f->fx.svc, &desc, NULL) != SHIM_OK ||
	    shim_task_create(0, NULL, 0, &t) != SHIM_OK || shim_uc_open(t, f->fx.svc, &c) != SHIM_OK)
		return 3;
	/* The first call is always honest: the misuse comes with the second. */
	r1 = call(c, sels[mode][0]);
	past = mode != 0;
	r2 = call(c, sels[mode][1]);
	printf("uc_buffer_misuse %s: calls returned %s, %s; no report\n", modes[mode],
	       shim_ret_string(r1), shim_ret_string(r2));
	shim_uc_close(c);
	shim_task_destroy(t);
	uc_fixture_shutdown(&state);
	return r1 == SHIM_OK && r2 == SHIM_OK && mode == 0 ? 0 : 1;
}
