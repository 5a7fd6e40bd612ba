/* SIGINT, SIGTERM and SIGHUP during a long command: the first one asks the
 * work to stop after the step in progress (a cycle, a scenario), so what
 * was done is kept and recorded; a second one ends the process at once. */
#ifndef DRVBENCH_INTERRUPT_H
#define DRVBENCH_INTERRUPT_H

#include <signal.h>

/* Set to the signal's number by the handler; the work polls it. */
extern volatile sig_atomic_t drvbench_interrupted;

void drvbench_interrupt_install(void);
/* The exit status of a process ended by the signal (128 + number). */
int drvbench_interrupt_status(void);

#endif
