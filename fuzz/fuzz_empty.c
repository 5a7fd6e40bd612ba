/* The empty libFuzzer target: no work per input. Built with the same
 * sanitizers and engine as the kext fuzzer (oss-fuzz/build.sh), it is the
 * benchmark's yardstick: the kext fuzzer's exec/s over this one's says what
 * libFuzzer and the sanitizers cost before any kext runs. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
