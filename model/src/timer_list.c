#include "model/timer_list.h"

void model_timer_list_remove(model_timer **head, model_timer *t)
{
	if (!t->armed)
		return;
	for (model_timer **p = head; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void model_timer_list_insert(model_timer **head, model_timer *t, uint64_t expire_ns)
{
	model_timer **p = head;

	model_timer_list_remove(head, t);
	while (*p && (*p)->expire_ns <= expire_ns)
		p = &(*p)->next;
	t->expire_ns = expire_ns;
	t->next = *p;
	t->armed = true;
	*p = t;
}
