#!/usr/bin/env python3
"""plant.py FAULT SOURCE OUTPUT: a copy of a driver source with one fault
planted: the example driver's factorial.c, for the generic catalogue's
self-test, or one file of the edu sample (faults named edu-*), for the
fuzzers' and the fault sweep's (the class each one belongs to is in
EDU_PLANTS), or the NVMe sample's user client (nvme-*, class 3). Each fault is an exact text substitution; if the anchor text is
not in the source (the driver changed), the build fails naming the fault,
so no plant goes stale silently."""
import sys

FAULTS = {
    # A failing start forgets to unmap BAR0 on its way out.
    "leak-on-failed-start": [(
        "fail_map:\n\tshim_pci_set_bus_master(dev, false);\n\tshim_pci_set_memory_enable(dev, false);\n\tshim_mmio_unmap(f->bar0);\n",
        "fail_map:\n\tshim_pci_set_bus_master(dev, false);\n\tshim_pci_set_memory_enable(dev, false);\n")],
    # stop keeps the BAR mapping for the next start, which uses it again.
    "mapping-kept-across-stop": [
        ("static shim_class fact_class", "static shim_mmio_map *fact_kept_map;\n\nstatic shim_class fact_class"),
        ("\tr = msi != 0 ? shim_pci_map_bar(dev, 0, &f->bar0) : SHIM_ERR_UNSUPPORTED;",
         "\tf->bar0 = fact_kept_map;\n\tfact_kept_map = NULL;\n"
         "\tr = msi == 0 ? SHIM_ERR_UNSUPPORTED\n\t    : f->bar0 != NULL ? SHIM_OK : shim_pci_map_bar(dev, 0, &f->bar0);"),
        ("\tshim_pci_set_memory_enable(f->dev, false);\n\tshim_mmio_unmap(f->bar0);\n\tshim_service_set_private(svc, NULL);",
         "\tshim_pci_set_memory_enable(f->dev, false);\n\tfact_kept_map = f->bar0;\n\tshim_service_set_private(svc, NULL);"),
    ],
    # A dead client's completion is kept, to be completed later.
    "completion-to-dead-client": [(
        "\t(void)client_died;\n\tif (f->waiter == uc) {",
        "\tif (f->waiter == uc && !client_died) {")],
    # On removal the driver tries to cancel the engine's work by a write.
    "register-after-removal": [(
        "\tif (f != NULL)\n\t\tfact_reply(f, SHIM_ERR_NO_DEVICE, 0);",
        "\tif (f != NULL && f->busy)\n\t\twr(f, REG_FACTORIAL, 0); /* cancel: the device is gone */\n"
        "\tif (f != NULL)\n\t\tfact_reply(f, SHIM_ERR_NO_DEVICE, 0);")],
    # Told the device is gone, the driver keeps its state for a reconnect
    # that never comes: an instance outlives the service (drvbench qualify's
    # unload-after-removal check, tests/qualify).
    "instance-kept-after-removal": [(
        "\tif (f != NULL)\n\t\tfact_reply(f, SHIM_ERR_NO_DEVICE, 0);",
        "\tif (f != NULL)\n\t\tshim_object_retain(&f->obj); /* kept for a reconnect */\n"
        "\tif (f != NULL)\n\t\tfact_reply(f, SHIM_ERR_NO_DEVICE, 0);")],
    # Going off, the driver asks for time and never acks.
    "power-never-acked": [(
        "\telse if (f != NULL)\n\t\tfact_quiesce(f);\n\treturn SHIM_POWER_ACK_NOW;",
        "\telse if (f != NULL) {\n\t\tfact_quiesce(f);\n\t\treturn 1000; /* ...and no shim_power_ack */\n\t}\n"
        "\treturn SHIM_POWER_ACK_NOW;")],
    # ---- edu: one instance of each class the fuzzers and the fault sweep catch ----
    # 1: a stack struct copied out whole with a field never set.
    "edu-uninitialised-stats": [(
        "\tout = (struct edu_uc_stats){\n"
        "\t\t.using_msi = st.using_msi, .interrupts = st.interrupts, .factorials = st.factorials,\n"
        "\t\t.dma_transfers = st.dma_transfers, .errors = st.errors, .last_status = st.last_status,\n"
        "\t\t.power_policy = ctx->power_policy, .connections = ctx->connections,\n"
        "\t};",
        "\tout.using_msi = st.using_msi;\n\tout.interrupts = st.interrupts;\n"
        "\tout.factorials = st.factorials;\n\tout.dma_transfers = st.dma_transfers;\n"
        "\tout.errors = st.errors;\n\tout.last_status = st.last_status;\n"
        "\tout.power_policy = ctx->power_policy; /* connections forgotten */")],
    # 2: a kernel object's address handed out as a count.
    "edu-pointer-in-irq-status": [(
        "\ta->scalar_out[1] = st.interrupts;",
        "\ta->scalar_out[1] = (uint64_t)(uintptr_t)uc; /* was: st.interrupts */")],
    # 3: the entitlement gone from the table entry and from the method's own check.
    "edu-power-policy-unchecked": [
        ("\tif (shim_task_uid(t) != 0 && !shim_task_has_entitlement(t, EDU_UC_POWER_ENTITLEMENT))\n"
         "\t\treturn SHIM_ERR_NOT_PERMITTED;\n",
         "\t(void)t; /* check dropped */\n"),
        ("NO_STRUCT, .entitlement = EDU_UC_POWER_ENTITLEMENT,\n\t\t\t\t      .root_passes = true },",
         "NO_STRUCT },")],
    # 3 in the NVMe driver: the write entitlement gone from the table entry
    # and from the method's own check (nvme's oracle states it from
    # nvme_userclient.h, so the fuzzers still refuse an unentitled write).
    "nvme-write-unchecked": [
        ("\tif (shim_task_uid(t) != 0 && !shim_task_has_entitlement(t, NVME_UC_WRITE_ENTITLEMENT))\n"
         "\t\treturn SHIM_ERR_NOT_PERMITTED;\n",
         "\t(void)t; /* check dropped */\n"),
        (".struct_out_size = 0, .entitlement = NVME_UC_WRITE_ENTITLEMENT,\n"
         "\t\t\t    .root_passes = true },",
         ".struct_out_size = 0 },")],
    # 4: operations no longer refused while the device sleeps.
    "edu-registers-while-asleep": [(
        "\treturn st->gone ? SHIM_ERR_NO_DEVICE : edu_power_check(st);",
        "\treturn st->gone ? SHIM_ERR_NO_DEVICE : SHIM_OK; /* power state not checked */")],
    # 5: the filter takes an all-ones status for a removed device (the bug
    # issue 16 found in edu): raised by a client, it is never acknowledged.
    "edu-all-ones-wedge": [(
        "\tif (status == 0)\n\t\treturn false; /* not ours */\n",
        "\tif (status == 0 || status == EDU_ALL_ONES)\n\t\treturn false; /* not ours, or gone */\n")],
    # 6: a failed timer creation leaks the request.
    "edu-leak-on-timer-failure": [(
        "\tif (r != SHIM_OK) {\n\t\tshim_free(req, sizeof(*req));\n\t\treturn r;\n\t}\n"
        "\treq->async = shim_uc_async_retain(a->async);",
        "\tif (r != SHIM_OK)\n\t\treturn r; /* req leaks */\n"
        "\treq->async = shim_uc_async_retain(a->async);")],
    # 7: the connection's state written after it was freed, on close.
    "edu-use-after-free-on-close": [(
        "\tconn->requests = 0;\n\tshim_uc_set_private(uc, NULL);\n\tshim_free(conn, sizeof(*conn));\n",
        "\tshim_uc_set_private(uc, NULL);\n\tshim_free(conn, sizeof(*conn));\n"
        "\tconn->requests = 0; /* after the free */\n")],
    # ---- edu trusting its device (issue 15: the device-side targets catch them) ----
    # 8: a word the device reports taken as an array index unchecked.
    "edu-irq-cause-index": [
        ("static bool edu_intr_filter(void *owner, shim_intr_source *src)\n{\n",
         "static unsigned edu_cause_count[2]; /* 0: factorial, 1: DMA */\n\n"
         "static bool edu_intr_filter(void *owner, shim_intr_source *src)\n{\n"),
        ("\tedu_wr(st, EDU_REG_IRQ_ACK, status);\n\tst->irq_pending |= status;\n",
         "\tedu_wr(st, EDU_REG_IRQ_ACK, status);\n\tedu_cause_count[status >> 8]++; /* unchecked */\n"
         "\tst->irq_pending |= status;\n")],
    # 9: a length the device reports used for the copy to the client.
    "edu-dma-count-trusted": [(
        "\t\tr = shim_memdesc_read(st->dma_buf, 0, dst, len);",
        "\t\tr = shim_memdesc_read(st->dma_buf, 0, dst,\n"
        "\t\t\t\t      edu_rd(st, EDU_REG_DMA_COUNT) & (EDU_DMA_BUF_SIZE - 1)); /* what it moved */")],
    # 10: a poll of a status bit with no timeout: the device always finishes.
    "edu-poll-without-timeout": [
        ("\tfor (round = 0; round < EDU_WAIT_MAX_ROUNDS; round++) {\n\t\tshim_ret r = edu_alive(st);\n",
         "\t(void)round;\n\tfor (;;) {\n\t\tshim_ret r = edu_alive(st);\n"),
        ("\t\tif (shim_workloop_now_ns(st->wl) >= deadline)\n\t\t\tbreak;\n",
         "\t\t(void)deadline; /* no timeout */\n")],
    # 12: the filter, seeing the device gone, frees its bookkeeping at once,
    # but its interrupt source stays registered until stop: an interrupt
    # still in flight at the removal runs the filter on freed memory.
    "edu-irq-after-removal": [
        ("static bool edu_intr_filter(void *owner, shim_intr_source *src)\n{\n",
         "static uint32_t *edu_irq_book; /* interrupts counted, beside the instance */\n"
         "static bool edu_irq_book_freed;\n\n"
         "static bool edu_intr_filter(void *owner, shim_intr_source *src)\n{\n"),
        ("\t(void)src;\n\tstatus = edu_rd(st, EDU_REG_IRQ_STATUS);\n",
         "\t(void)src;\n\tif (edu_irq_book != NULL)\n\t\tedu_irq_book[0]++;\n"
         "\tstatus = edu_rd(st, EDU_REG_IRQ_STATUS);\n"),
        ("\tif (status == EDU_ALL_ONES && edu_rd(st, EDU_REG_ID) == EDU_ALL_ONES)\n"
         "\t\treturn false; /* the device is gone */\n",
         "\tif (status == EDU_ALL_ONES && edu_rd(st, EDU_REG_ID) == EDU_ALL_ONES) {\n"
         "\t\t/* gone: nothing more will come, so the bookkeeping goes now */\n"
         "\t\tif (!edu_irq_book_freed)\n\t\t\tshim_free(edu_irq_book, 4 * sizeof(uint32_t));\n"
         "\t\tedu_irq_book_freed = true;\n\t\treturn false;\n\t}\n"),
        ("\tst->stats.using_msi = msi;\n",
         "\tedu_irq_book = shim_zalloc(4 * sizeof(uint32_t));\n\tedu_irq_book_freed = false;\n"
         "\tst->stats.using_msi = msi;\n"),
        ("\tshim_intr_source_release(st->intr);\n\tst->intr = NULL;\n",
         "\tshim_intr_source_release(st->intr);\n\tst->intr = NULL;\n"
         "\tif (!edu_irq_book_freed)\n\t\tshim_free(edu_irq_book, 4 * sizeof(uint32_t));\n"
         "\tedu_irq_book = NULL;\n"),
    ],
    # ---- nvme trusting its device ----
    # 11: a completion's command ID taken as the slot index unchecked.
    "nvme-cid-index-trusted": [(
        "\tstruct nvme_request *r = slot < q->depth ? &q->req[slot] : NULL;",
        "\tstruct nvme_request *r = &q->req[slot]; /* the device's command ID trusted */")],
}

# The edu faults: the file each patches and the class of issue 16 it belongs to.
EDU_PLANTS = {
    "edu-uninitialised-stats": ("edu_userclient.c", 1),
    "edu-pointer-in-irq-status": ("edu_userclient.c", 2),
    "edu-power-policy-unchecked": ("edu_userclient.c", 3),
    "edu-registers-while-asleep": ("edu_ops.c", 4),
    "edu-all-ones-wedge": ("edu_driver.c", 5),
    "edu-leak-on-timer-failure": ("edu_userclient.c", 6),
    "edu-use-after-free-on-close": ("edu_userclient.c", 7),
    "edu-irq-cause-index": ("edu_driver.c", 8),
    "edu-dma-count-trusted": ("edu_ops.c", 9),
    "edu-poll-without-timeout": ("edu_ops.c", 10),
    "edu-irq-after-removal": ("edu_driver.c", 12),
}
# The nvme faults (issue 15's device side), the same way.
NVME_PLANTS = {
    "nvme-cid-index-trusted": ("nvme_queue.c", 11),
}
# Every fault of a driver in driver-core, by name: (file, class).
DRIVER_PLANTS = dict(EDU_PLANTS, **NVME_PLANTS)


def main(argv):
    if len(argv) != 4 or argv[1] not in FAULTS:
        sys.stderr.write("usage: plant.py {%s} SOURCE OUTPUT\n" % "|".join(FAULTS))
        return 2
    text = open(argv[2]).read()
    for old, new in FAULTS[argv[1]]:
        if text.count(old) != 1:
            sys.stderr.write("plant.py: %s: anchor not found once in %s: %r\n"
                             % (argv[1], argv[2], old[:60]))
            return 1
        text = text.replace(old, new)
    with open(argv[3], "w") as f:
        f.write("/* GENERATED by tests/kexts/planted/plant.py: a copy of the driver with the\n"
                " * fault '%s' planted. */\n" % argv[1])
        f.write(text)
    return 0


def plant_text(fault, text, where):
    """text with fault planted; raises ValueError naming a stale anchor."""
    for old, new in FAULTS[fault]:
        if text.count(old) != 1:
            raise ValueError("plant.py: %s: anchor not found once in %s: %r"
                             % (fault, where, old[:60]))
        text = text.replace(old, new)
    return text


if __name__ == "__main__":
    sys.exit(main(sys.argv))
