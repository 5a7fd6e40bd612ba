/* External-method dispatch: every check the shim can make happens here,
 * before the method runs; then the arguments are marshalled into
 * exact-size shim-owned copies (outputs poison-filled; uc_buffers.c) so
 * sanitizers see over-reads and uninitialised output, and only what the
 * method declares it wrote is copied back. A 32-bit (ILP32) task's call
 * is handled as a kernel handles a 32-bit process's: its structure sizes
 * are checked against the method's 32-bit declarations, its scalars
 * narrowed. Each call is tallied by selector: reached, refused here, run,
 * failed by its method (uc_selectors.c). */
#include <string.h>

#include "shim/alloc.h"
#include "shim/log.h"
#include "shim/verifier.h"
#include "machine_internal.h"
#include "uc_internal.h"

static bool shape_ok(uint32_t declared, uint64_t given, uint64_t limit)
{
	if (given > limit)
		return false;
	return declared == SHIM_UC_VARIABLE || declared == given;
}

static shim_ret check_call(const shim_uc *uc, const struct shim_uc_method *m,
			   const struct shim_uc_call *c)
{
	const shim_task *t = uc->task;

	if (m->entitlement != NULL && !(m->root_passes && t->uid == 0) &&
	    !shim_task_has_entitlement(t, m->entitlement))
		return SHIM_ERR_NOT_PERMITTED;
	if (!shape_ok(m->scalar_in_count, c->scalar_in_count, SHIM_UC_MAX_SCALARS) ||
	    !shape_ok(shim_uc_method_struct_in_size(m, uc->abi), c->struct_in_size,
		      SHIM_UC_MAX_STRUCT_IN) ||
	    !shape_ok(m->scalar_out_count, c->scalar_out_count, SHIM_UC_MAX_SCALARS) ||
	    !shape_ok(shim_uc_method_struct_out_size(m, uc->abi), c->struct_out_size,
		      SHIM_UC_MAX_STRUCT_OUT) ||
	    (c->async_fn != NULL && !m->async_allowed))
		return SHIM_ERR_BAD_SHAPE;
	if ((c->scalar_in_count > 0 && c->scalar_in == NULL) ||
	    (c->struct_in_size > 0 && c->struct_in == NULL) ||
	    (c->scalar_out_count > 0 && c->scalar_out == NULL) ||
	    (c->struct_out_size > 0 && c->struct_out == NULL))
		return SHIM_ERR_BAD_ARGUMENT;
	return SHIM_OK;
}

/* Large input: a snapshot of the caller's bytes in a descriptor the
 * method must prepare itself (it starts unprepared, as client memory does). */
static shim_ret snapshot_desc(shim_uc *uc, const void *src, uint32_t len, shim_memdesc **out)
{
	shim_memdesc *md;
	shim_ret r;

	/* Client memory: it does not go away with the device. */
	r = shim_dma_buffer_client_(shim_service_provider(uc->svc), len, &md);
	if (r != SHIM_OK)
		return r;
	r = shim_memdesc_prepare(md);
	if (r == SHIM_OK) {
		r = shim_memdesc_write(md, 0, src, len);
		shim_memdesc_complete(md);
	}
	if (r != SHIM_OK) {
		shim_memdesc_release(md);
		return r;
	}
	*out = md;
	return SHIM_OK;
}

/* A 32-bit process's scalar: the low 32 bits, zero-extended (the kernel's
 * rule for its legacy 32-bit scalar path, where a value is an unsigned int
 * widened to 64 bits). Applied to inputs and to outputs alike. */
static uint64_t narrow32(uint64_t v)
{
	return (uint64_t)(uint32_t)v;
}

struct marshal {
	unsigned frame;
	uint64_t *scalar_in;
	void *struct_in;
	shim_memdesc *desc;
	uint64_t *scalar_out;
	void *struct_out;
	shim_uc_async *async;
};

static shim_ret marshal_in(shim_uc *uc, const struct shim_uc_call *c, struct marshal *mm,
			   struct shim_uc_args *a)
{
	uint32_t sin = c->scalar_in_count, sout = c->scalar_out_count;
	uint32_t stin = (uint32_t)c->struct_in_size, stout = (uint32_t)c->struct_out_size;

	mm->frame = shim_uc_buf_frame_();
	if (sin > 0) {
		mm->scalar_in = shim_uc_buf_take_(mm->frame, UC_BUF_SCALAR_IN, sin * sizeof(uint64_t));
		if (mm->scalar_in == NULL)
			return SHIM_ERR_NO_MEMORY;
		memcpy(mm->scalar_in, c->scalar_in, sin * sizeof(uint64_t));
		if (uc->abi == SHIM_UC_ABI_ILP32)
			for (uint32_t i = 0; i < sin; i++)
				mm->scalar_in[i] = narrow32(mm->scalar_in[i]);
	}
	if (stin > SHIM_UC_MAX_INLINE_STRUCT) {
		shim_ret r = snapshot_desc(uc, c->struct_in, stin, &mm->desc);

		if (r != SHIM_OK)
			return r;
	} else if (stin > 0) {
		if ((mm->struct_in = shim_uc_buf_take_(mm->frame, UC_BUF_STRUCT_IN, stin)) == NULL)
			return SHIM_ERR_NO_MEMORY;
		memcpy(mm->struct_in, c->struct_in, stin);
	}
	if (sout > 0) {
		mm->scalar_out = shim_uc_buf_take_(mm->frame, UC_BUF_SCALAR_OUT,
						   sout * sizeof(uint64_t));
		if (mm->scalar_out == NULL)
			return SHIM_ERR_NO_MEMORY;
		memset(mm->scalar_out, SHIM_UC_POISON, sout * sizeof(uint64_t));
	}
	if (stout > 0) {
		if ((mm->struct_out = shim_uc_buf_take_(mm->frame, UC_BUF_STRUCT_OUT, stout)) == NULL)
			return SHIM_ERR_NO_MEMORY;
		memset(mm->struct_out, SHIM_UC_POISON, stout);
	}
	if (c->async_fn != NULL) {
		shim_ret r = shim_uc_async_create_(uc, c->async_fn, c->async_refcon, &mm->async);

		if (r != SHIM_OK)
			return r;
	}
	*a = (struct shim_uc_args){
		.scalar_in = mm->scalar_in, .scalar_in_count = sin,
		.struct_in = mm->struct_in, .struct_in_size = stin, .struct_in_desc = mm->desc,
		.scalar_out = mm->scalar_out, .scalar_out_cap = sout,
		.struct_out = mm->struct_out, .struct_out_cap = stout,
		.async = mm->async, .abi = uc->abi,
	};
	return SHIM_OK;
}

static void marshal_free(const struct shim_uc_call *c, struct marshal *mm)
{
	if (mm->scalar_in != NULL)
		shim_uc_buf_give_(mm->frame, UC_BUF_SCALAR_IN, mm->scalar_in,
				  c->scalar_in_count * sizeof(uint64_t));
	if (mm->struct_in != NULL)
		shim_uc_buf_give_(mm->frame, UC_BUF_STRUCT_IN, mm->struct_in, c->struct_in_size);
	if (mm->desc != NULL)
		shim_memdesc_release(mm->desc);
	if (mm->scalar_out != NULL)
		shim_uc_buf_give_(mm->frame, UC_BUF_SCALAR_OUT, mm->scalar_out,
				  c->scalar_out_count * sizeof(uint64_t));
	if (mm->struct_out != NULL)
		shim_uc_buf_give_(mm->frame, UC_BUF_STRUCT_OUT, mm->struct_out, c->struct_out_size);
	if (mm->async != NULL)
		shim_uc_async_release(mm->async); /* the call's reference */
}

/* After the method: descriptor balance and output claims within capacity. */
static void audit_method(const struct shim_uc_method *m, struct marshal *mm,
			 struct shim_uc_args *a)
{
	if (mm->desc != NULL && shim_memdesc_is_prepared(mm->desc)) {
		SHIM_VERIFY_FAIL(SHIM_V_PREPARE_UNBALANCED,
				 "method %s returned with its input descriptor prepared",
				 m->name != NULL ? m->name : "?");
		for (int i = 0; i < 64 && shim_memdesc_is_prepared(mm->desc); i++)
			shim_memdesc_complete(mm->desc);
	}
	if (a->scalar_out_written > a->scalar_out_cap || a->struct_out_written > a->struct_out_cap) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "method %s claims more output than its capacity",
				 m->name != NULL ? m->name : "?");
		if (a->scalar_out_written > a->scalar_out_cap)
			a->scalar_out_written = a->scalar_out_cap;
		if (a->struct_out_written > a->struct_out_cap)
			a->struct_out_written = a->struct_out_cap;
	}
}

/* Outputs to a 32-bit process lose their top half, as they would in the
 * kernel; a value that did not fit is logged, since a 32-bit client then
 * holds something other than what the driver meant (a 64-bit handle,
 * address or count). */
static void narrow_out(const struct shim_uc_method *m, struct shim_uc_args *a)
{
	for (uint32_t i = 0; i < a->scalar_out_written; i++) {
		if (a->scalar_out[i] != narrow32(a->scalar_out[i]))
			shim_log(SHIM_LOG_WARN,
				 "user client: method %s: scalar output %u (0x%llx) cut to 32 bits "
				 "for a 32-bit client", m->name != NULL ? m->name : "?", i,
				 (unsigned long long)a->scalar_out[i]);
		a->scalar_out[i] = narrow32(a->scalar_out[i]);
	}
}

static shim_ret dispatch(shim_uc_conn *conn, uint32_t selector, struct shim_uc_call *call)
{
	const struct shim_uc_method *m;
	struct marshal mm = { 0 };
	struct shim_uc_args a = { 0 };
	struct shim_uc_sel_tally *tally;
	shim_uc *uc = conn->uc;
	enum shim_uc_abi abi;
	shim_ret r;

	if (uc == NULL || !uc->open)
		return SHIM_ERR_NOT_READY;
	tally = shim_uc_selectors_tally_(uc->desc, selector);
	if (selector >= uc->desc->method_count || uc->desc->methods[selector].fn == NULL)
		r = SHIM_ERR_BAD_SELECTOR;
	else
		r = check_call(uc, &uc->desc->methods[selector], call);
	if (r != SHIM_OK) {
		if (tally != NULL)
			tally->refused++;
		return r;
	}
	m = &uc->desc->methods[selector];
	abi = uc->abi; /* the method may end the connection and free uc */
	r = marshal_in(uc, call, &mm, &a);
	if (r == SHIM_OK) {
		shim_object_retain(&uc->obj); /* the method may end the connection */
		shim_uc_stats_.calls++;
		r = m->fn(uc, &a);
		audit_method(m, &mm, &a);
		shim_object_release(&uc->obj);
		if (tally != NULL) {
			tally->ran++;
			tally->failed += r != SHIM_OK;
		}
	}
	if (r == SHIM_OK) {
		if (abi == SHIM_UC_ABI_ILP32)
			narrow_out(m, &a);
		if (a.scalar_out_written > 0)
			memcpy(call->scalar_out, mm.scalar_out, a.scalar_out_written * sizeof(uint64_t));
		if (a.struct_out_written > 0)
			memcpy(call->struct_out, mm.struct_out, a.struct_out_written);
	}
	marshal_free(call, &mm);
	if (r == SHIM_OK) {
		call->scalar_out_count = a.scalar_out_written;
		call->struct_out_size = a.struct_out_written;
	}
	return r;
}

shim_ret shim_uc_call(shim_uc_conn *conn, uint32_t selector, struct shim_uc_call *call)
{
	shim_ret r;

	if (conn == NULL || call == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	r = dispatch(conn, selector, call);
	if (r != SHIM_OK) {
		call->scalar_out_count = 0;
		call->struct_out_size = 0;
	}
	return r;
}

shim_ret shim_uc_struct_in_read_(struct shim_uc_args *args, uint32_t off, void *dst, uint32_t len,
				 const char *file, int line)
{
	if (args == NULL || (len > 0 && dst == NULL))
		return SHIM_ERR_BAD_ARGUMENT;
	if (off > args->struct_in_size || len > args->struct_in_size - off)
		return SHIM_ERR_OVERRUN;
	if (len == 0)
		return SHIM_OK;
	if (args->struct_in_desc != NULL) {
		if (!shim_memdesc_is_prepared(args->struct_in_desc)) {
			shim_verifier_record_(SHIM_V_DMA_UNPREPARED, file, line,
					      "structure input read before prepare");
			return SHIM_ERR_NOT_READY;
		}
		return shim_memdesc_read(args->struct_in_desc, off, dst, len);
	}
	if (args->struct_in == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	memcpy(dst, (const uint8_t *)args->struct_in + off, len);
	return SHIM_OK;
}
