/* SHIM_INTERNAL marks what shim/src files share with each other only (Lua's
 * LUAI_FUNC habit): a reader tells it from the public API at a glance, and
 * hidden visibility keeps it out of the shim's exports once it is a shared
 * library that kexts link against. */
#ifndef SHIM_INTERNAL_MARK_H
#define SHIM_INTERNAL_MARK_H

#define SHIM_INTERNAL __attribute__((visibility("hidden")))

#endif
