/* Freestanding basics every shim header needs. */
#ifndef SHIM_TYPES_H
#define SHIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/ioreturn.h"

#if defined(__GNUC__)
#define SHIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SHIM_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define SHIM_PRINTF(f, a)
#define SHIM_WARN_UNUSED
#endif

#endif
