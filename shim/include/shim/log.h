/* Kernel log: a fixed-size ring; when it is full new messages are dropped
 * and counted, as a flooded kernel log loses them. Not allowed in filter
 * (primary interrupt) context. */
#ifndef SHIM_LOG_H
#define SHIM_LOG_H

#include "shim/types.h"

enum shim_log_level { SHIM_LOG_ERR, SHIM_LOG_WARN, SHIM_LOG_INFO, SHIM_LOG_DEBUG };

void shim_log_(enum shim_log_level level, const char *file, int line, const char *fmt, ...)
	SHIM_PRINTF(4, 5);
#define shim_log(level, ...) shim_log_((level), __FILE__, __LINE__, __VA_ARGS__)

#endif
