/* A deadline-ordered list of model timers: the one piece every env that
 * hosts models (the in-process bus, the proxy remote) needs for timer_mod
 * and timer_del. Equal deadlines keep arming order. */
#ifndef MODEL_TIMER_LIST_H
#define MODEL_TIMER_LIST_H

#include "model/device.h"

/* (Re)arm t at expire_ns: unlinks it first if armed. */
void model_timer_list_insert(model_timer **head, model_timer *t, uint64_t expire_ns);
/* Unlink t if it is armed; a no-op otherwise. */
void model_timer_list_remove(model_timer **head, model_timer *t);

#endif
