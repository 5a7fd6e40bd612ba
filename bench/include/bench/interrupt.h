/* Interruption of a run by SIGINT, SIGTERM or SIGHUP, or by the run's own
 * deadline: the run stops at its next safe point instead of dying where it
 * stands, so what was done is written and nothing is left behind (QEMU
 * processes, temp dirs).
 *
 * What a command does (tools/cmd_run.c and tools/cmd_cycle.c do it):
 *  1. bench_interrupt_install() before any work; bench_interrupt_deadline()
 *     to bound the whole run.
 *  2. Before each unit of work (a scenario, a cycle) ask
 *     bench_interrupted(); non-zero: start nothing more. Work in progress
 *     on a QEMU host fails at once (every wait of the qemu host polls
 *     bench_interrupt_fd()); an isolated run is killed and what it left is
 *     swept; the sim host finishes its scenario, which takes milliseconds.
 *     Give bench_cycle_run bench_interrupt_flag() as its stop flag: it
 *     stops between two cycles (and does not count one cut short).
 *  3. Write what was done, saying it was interrupted and by what
 *     (bench_interrupt_reason()); flush every output.
 *  4. After a signal, end with bench_interrupt_exit(): the process dies of
 *     that signal, so a shell or CI sees it (status 128 + N). After the
 *     deadline (bench_interrupted() == BENCH_INTERRUPT_DEADLINE) the command
 *     decides; drvbench counts what did not finish as failed.
 * When step 4 has not come BENCH_INTERRUPT_GRACE_S seconds after the
 * signal (a driver spinning in the main process, say), or a second signal
 * comes, the handler removes what it safely can (the hosts' abandon hooks:
 * temp dirs), says so on stderr and the process dies of the first signal at
 * once; QEMU and isolated runs die with it (their parent-death signal). */
#ifndef BENCH_INTERRUPT_H
#define BENCH_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define BENCH_INTERRUPT_GRACE_S 5u
/* What bench_interrupted() says when the deadline passed. */
#define BENCH_INTERRUPT_DEADLINE SIGALRM

/* Catches SIGINT, SIGTERM and SIGHUP (those the process did not start with
 * ignored) and SIGALRM (the deadline and the grace period); idempotent.
 * False with why when the pipe behind bench_interrupt_fd cannot be made. */
bool bench_interrupt_install(char *why, size_t len);
/* Puts back what was there before install, and forgets any interrupt: for
 * tests, and for a child process of the bench (an isolated run), which
 * must not report into its parent's pipe. */
void bench_interrupt_uninstall(void);
/* Interrupts the run after `seconds` as a signal would (0: no deadline). */
void bench_interrupt_deadline(unsigned seconds);
/* 0 until interrupted; then the signal: SIGINT, SIGTERM, SIGHUP, or
 * BENCH_INTERRUPT_DEADLINE. */
int bench_interrupted(void);
/* The same value as a flag a loop can be given to poll (bench_cycle_config
 * .stop): non-zero once interrupted. */
volatile sig_atomic_t *bench_interrupt_flag(void);
/* Readable from the interrupt on (a wait polls it beside its own fd); -1
 * when not installed. bench_interrupt_fd_ref() points at the current value
 * (for a layer that reads it at every wait: shim_qemu_interrupt_on). */
int bench_interrupt_fd(void);
const int *bench_interrupt_fd_ref(void);
/* "interrupted by SIGINT", "the deadline of 30 s passed", or "" */
const char *bench_interrupt_reason(void);
/* Flushes stdio, then dies of the interrupting signal (returns never).
 * Without an interrupt, or after the deadline, exits with status 1. */
void bench_interrupt_exit(void) __attribute__((noreturn));

#endif
