/* drvbench fuzz: local libFuzzer campaigns on the user-client targets. */
#ifndef DRVBENCH_CMD_FUZZ_H
#define DRVBENCH_CMD_FUZZ_H

#include <stdio.h>

int drvbench_cmd_fuzz(int argc, char **argv);
void drvbench_fuzz_usage(FILE *out);

#endif
