/* The edu driver's own scenarios (edu_sc_*.c), gathered in edu_tests.c. */
#ifndef EDU_TESTS_H
#define EDU_TESTS_H

#include "bench/scenario.h"
#include "bench/uc_oracle.h"
#include "edu_api.h"

extern const struct bench_scenario edu_sc_identity, edu_sc_liveness, edu_sc_factorial_irq,
	edu_sc_factorial_polled, edu_sc_msi_raise_ack, edu_sc_intx_fallback,
	edu_sc_dma_round_trip, edu_sc_dma_last_byte, edu_sc_dma_above_mask, edu_sc_wrong_id,
	edu_sc_after_stop, edu_sc_verifier_misuse, edu_sc_sleep_wake, edu_sc_sleep_in_flight,
	edu_sc_sleep_ack_timeout, edu_sc_surprise_removal;
/* The user client's contract, for the fuzzers (edu_uc_oracle.c). */
extern const struct bench_uc_oracle edu_uc_oracle;

#endif
