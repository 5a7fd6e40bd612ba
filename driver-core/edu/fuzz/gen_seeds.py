#!/usr/bin/env python3
"""Writes edu's checked-in seed corpora (corpus/uc_struct for the
structure-aware target, corpus/uc_raw_<selector> for the raw one) for the
generic kext fuzzer. Run from anywhere: python3 driver-core/edu/fuzz/gen_seeds.py.
The byte encodings are those of fuzz/fuzz_uc_struct.c and fuzz/fuzz_uc_raw.c
(see fuzz/README.md); the selector numbers and names come from the order of
enum edu_uc_selector in edu's public header."""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "..", "include", "edu", "edu_userclient.h")


def selectors():
    """EDU_UC_LIVENESS = 0, EDU_UC_FACTORIAL, ... -> {"liveness": 0, ...}."""
    text = open(HEADER).read()
    body = re.search(r"enum edu_uc_selector \{(.*?)\};", text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = [m.group(1).lower() for m in re.finditer(r"EDU_UC_(\w+)", body)]
    return {n: i for i, n in enumerate(names) if n != "selector_count"}


SEL = selectors()
OP_TASK, OP_OPEN, OP_CALL, OP_CLOSE, OP_DIE, OP_DESTROY, OP_RUN, OP_HANDLE = range(8)
OP_SLEEP, OP_WAKE, OP_REMOVE, OP_REPLUG, OP_RESET, OP_FAIL = range(8, 14)
SLEEP_WAIT, SLEEP_REQUEST, SLEEP_LATE_ACK = range(3)
# Raw mode byte: bit 0 an unprivileged caller; bits 1-2 what scalar 0 is.
RAW_ROOT, RAW_UNPRIVILEGED, RAW_LIVE, RAW_STALE, RAW_FOREIGN = 0, 1, 2, 4, 6
ROOT, USER, NOBODY = 0, 1, 2
ENT_CLIENT, ENT_POWER = 1, 2
ASYNC = 128
BOOK = 128  # handle_pool >= BOOK: the (n - BOOK)-th handle issued by the input

# Per selector: which shape fields are variable (each costs 2 bytes), in
# the order scalar_in, struct_in, scalar_out, struct_out.
VARIABLE = {"dma_write": [False, True, False, False], "dma_read": [False, False, False, True]}
SCALARS_IN = {"liveness": 1, "factorial": 1, "dma_write": 3, "dma_read": 2, "raise_interrupt": 1,
              "irq_status": 0, "get_stats": 0, "set_power_policy": 1, "factorial_async": 1,
              "request_query": 1, "request_release": 1}
STRUCT_IN = {"dma_write": True}


def task(uid, mask, slot):
    return bytes([OP_TASK, uid, mask, slot])


def open_(task_slot, svc=0):
    return bytes([OP_OPEN, task_slot, svc])


def u32(v):
    return bytes([1]) + struct.pack("<I", v)


def call(conn, name, scalars=(), shapes=(), mode=0, struct_fill=None, struct_bytes=b"",
         op=OP_CALL, handle_pool=None, bent=b""):
    out = bytes([op, conn, SEL[name], mode]) + bent  # bent: 1 byte per bent fixed field
    for size in shapes:                      # variable fields: kind 1 + 2 bytes
        out += bytes([1]) + struct.pack("<H", size)
    for s in scalars:
        out += s
    if op == OP_HANDLE and handle_pool is not None:
        out += bytes([handle_pool])
    if STRUCT_IN.get(name) and struct_fill is not None:
        out += bytes([struct_fill, len(struct_bytes)]) + struct_bytes
    return out


def run(units):
    return bytes([OP_RUN, units])


def struct_seeds():
    user = task(USER, ENT_CLIENT, 0) + open_(0)
    root = task(ROOT, 0, 1) + open_(1)
    return {
        "basic": root + call(0, "liveness", [u32(0x1234)]) + call(0, "factorial", [u32(5)])
        + call(0, "get_stats") + call(0, "irq_status") + call(0, "raise_interrupt", [u32(1)]),
        "dma_inline": user + call(0, "dma_write", [u32(0), u32(64), u32(0)], shapes=[64],
                                  struct_fill=0x3c, struct_bytes=bytes(range(64)))
        + call(0, "dma_read", [u32(0), u32(64)], shapes=[64]),
        "dma_descriptor": user + call(0, "dma_write", [u32(16), u32(512), u32(8000)], shapes=[9000],
                                      struct_fill=0x77),
        "dma_edges": user + call(0, "dma_write", [u32(4094), u32(1), u32(0)], shapes=[1],
                                 struct_fill=1)
        + call(0, "dma_read", [u32(4000), u32(96)], shapes=[4096])
        + call(0, "dma_read", [u32(0), u32(4095)], shapes=[4095]),
        "async": user + call(0, "factorial_async", [u32(6)], mode=ASYNC) + run(20)
        + call(0, "request_query", [u32(0)], op=OP_HANDLE, handle_pool=0)
        + call(0, "request_release", [u32(0)], op=OP_HANDLE, handle_pool=0)
        + call(0, "request_query", [u32(0)], op=OP_HANDLE, handle_pool=0),
        "async_close": user + open_(0) + call(0, "factorial_async", [u32(3)], mode=ASYNC)
        + bytes([OP_CLOSE, 0]) + run(50) + call(1, "request_query", [u32(0)], op=OP_HANDLE,
                                                 handle_pool=0)
        + call(0, "liveness", [u32(1)]),
        "death": user + call(0, "factorial_async", [u32(4)], mode=ASYNC)
        + call(0, "factorial_async", [u32(7)], mode=ASYNC) + bytes([OP_DIE, 0]) + run(50),
        "power": root + call(0, "set_power_policy", [u32(1)])
        + task(USER, ENT_CLIENT | ENT_POWER, 2) + open_(2) + call(1, "set_power_policy", [u32(2)])
        + user + call(2, "set_power_policy", [u32(0)]) + call(0, "get_stats"),
        "refused": task(NOBODY, 0, 0) + open_(0) + user + call(0, "liveness", [u32(7)], mode=3 | 4,
                                                               bent=bytes([1]))
        + call(0, "get_stats", mode=3 | 32, bent=bytes([0])) + call(0, "liveness", mode=ASYNC,
                                                                 scalars=[u32(1)]),
        "forged": user + call(0, "request_query", [u32(0)], op=OP_HANDLE, mode=64)
        + struct.pack("<Q", 0x0000000100000101),
        # Legal inputs one mutation away from what the oracles must see
        # refused: a 9th outstanding request (cap), book entry 0 instead of
        # 1 (stale: released, its slot reused; foreign: the other
        # connection's, same slot and generation).
        "async_cap": user + b"".join(call(0, "factorial_async", [u32(n)], mode=ASYNC)
                                     for n in range(1, 9)) + run(5),
        "async_reuse": user + call(0, "factorial_async", [u32(3)], mode=ASYNC)
        + call(0, "request_release", [u32(0)], op=OP_HANDLE, handle_pool=0)
        + call(0, "factorial_async", [u32(4)], mode=ASYNC)
        + call(0, "request_query", [u32(0)], op=OP_HANDLE, handle_pool=BOOK + 1),
        "async_two_conns": user + open_(0) + call(0, "factorial_async", [u32(3)], mode=ASYNC)
        + call(1, "factorial_async", [u32(4)], mode=ASYNC)
        + call(1, "request_query", [u32(0)], op=OP_HANDLE, handle_pool=BOOK + 1),
        # The machine under the driver: calls while asleep (acked now, and
        # late: an operation in flight is let finish), after the wake, after
        # a surprise removal (told, and not yet told), after a re-plug and a
        # reset (the connection was closed by the stop: open again), and
        # with the first allocation of a factorial_async failing.
        "asleep": root + bytes([OP_SLEEP, SLEEP_WAIT]) + call(0, "liveness", [u32(3)])
        + call(0, "factorial", [u32(3)]) + call(0, "get_stats") + bytes([OP_WAKE, 0])
        + call(0, "factorial", [u32(4)]),
        "asleep_late": root + call(0, "factorial_async", [u32(5)], mode=ASYNC)
        + bytes([OP_SLEEP, SLEEP_LATE_ACK]) + run(200) + call(0, "irq_status")
        + bytes([OP_WAKE, 0]) + call(0, "dma_read", [u32(0), u32(8)], shapes=[8]),
        "removed": root + call(0, "factorial_async", [u32(5)], mode=ASYNC)
        + bytes([OP_REMOVE, 0]) + call(0, "liveness", [u32(9)]) + call(0, "factorial", [u32(2)])
        + bytes([OP_REPLUG, 0]) + open_(1) + call(1, "factorial", [u32(3)]),
        "removed_told": root + bytes([OP_REMOVE, 1]) + call(0, "liveness", [u32(9)])
        + bytes([OP_REPLUG, 0]) + open_(1) + call(1, "liveness", [u32(8)]),
        "reset": root + call(0, "factorial_async", [u32(5)], mode=ASYNC) + bytes([OP_RESET, 0])
        + call(0, "request_query", [u32(0)], op=OP_HANDLE, handle_pool=BOOK) + open_(1)
        + call(1, "factorial", [u32(6)]) + call(1, "raise_interrupt", [u32(0x10)]),
        "failing_alloc": root + bytes([OP_FAIL, 0, 1, 0]) + call(0, "factorial_async", [u32(5)],
                                                               mode=ASYNC)
        + run(20) + call(0, "factorial", [u32(5)]),
    }


def raw_seeds():
    q = lambda *vals: bytes([RAW_ROOT]) + b"".join(struct.pack("<Q", v) for v in vals)
    as_user = lambda data: bytes([RAW_UNPRIVILEGED]) + data[1:]
    handle = lambda mode: bytes([mode]) + struct.pack("<Q", 0)
    return {
        "liveness": {"a": q(0x12345678), "wide": q(1 << 32)},
        "factorial": {"five": q(5), "max": q(12), "over": q(13)},
        "dma_write": {"inline": q(0, 32, 0) + bytes(range(32)),
                      "slice": q(100, 16, 8) + bytes(64),
                      "big": q(0, 1024, 5000) + bytes([0x5a]) * 8192},
        "dma_read": {"small": q(0, 32) + struct.pack("<H", 32),
                     "edge": q(4000, 94) + struct.pack("<H", 100)},
        "raise_interrupt": {"one": q(1), "zero": q(0)},
        "irq_status": {"empty": q()},
        "get_stats": {"empty": q()},
        "set_power_policy": {"idle": q(1), "bad": q(3), "unprivileged": as_user(q(1))},
        "factorial_async": {"six": q(6)},
        "request_query": {"forged": q(0x0000000100000101), "live": handle(RAW_LIVE),
                          "stale": handle(RAW_STALE), "foreign": handle(RAW_FOREIGN)},
        "request_release": {"forged": q(0x0000000100000100), "live": handle(RAW_LIVE),
                            "stale": handle(RAW_STALE), "foreign": handle(RAW_FOREIGN)},
    }


def write(dirname, seeds):
    path = os.path.join(HERE, "corpus", dirname)
    os.makedirs(path, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def main():
    write("uc_struct", struct_seeds())
    for sel, seeds in raw_seeds().items():
        assert sel in SEL, sel
        write("uc_raw_" + sel, seeds)


if __name__ == "__main__":
    main()
