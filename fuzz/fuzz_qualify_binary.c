/* Fuzz target for drvbench qualify's binary reader and rules: the input is
 * a kext's executable (ELF through bench/link's libelf reader, Mach-O thin
 * or universal through the LLVM module when DRVBENCH_MACHO_READER or the
 * build tree provides it), read and judged as the static rules do, under a
 * fixed manifest. Checks: no crash, leak or hang (sanitizers, libFuzzer),
 * findings name real rules, outputs stay valid text. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_qualify_common.h"
#include "shim/plist_parse.h"

#define TARGET "fuzz_qualify_binary"

static const char manifest[] =
	"<plist><dict><key>CFBundleIdentifier</key><string>org.drvbench.fuzz</string>"
	"<key>OSBundleLibraries</key><dict><key>com.apple.kpi.iokit</key><string>19.0</string>"
	"</dict><key>OSBundleCompatibleVersion</key><string>1.0</string></dict></plist>";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bench_qualify_options opt = { .bundle = "Fuzz.kext" };
	struct bench_qualify_result res;
	struct bench_q_ctx c;
	char path[64];
	int fd = memfd_create("fuzz-binary", MFD_CLOEXEC);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&c, 0, sizeof(c));
	bench_qualify_result_init(&res, opt.bundle);
	c.opt = &opt;
	c.res = &res;
	snprintf(c.exec_rel, sizeof(c.exec_rel), "Contents/MacOS/Fuzz");
	snprintf(c.prefix, sizeof(c.prefix), "org_drvbench_fuzz_");
	snprintf(c.short_prefix, sizeof(c.short_prefix), "fuzz_");
	if (shim_plist_parse(manifest, sizeof(manifest) - 1, &c.root, NULL, 0) != SHIM_OK)
		fuzz_die(TARGET, "the fixed manifest does not parse");
	bench_q_binary_read_file(&c, path);
	bench_q_binary_rules(&c);
	bench_q_symbol_rules(&c);
	if (c.bin.macho && c.bin.nslices > 0)
		bench_q_check_ioclasses(&c, c.bin.slices[0].classes);
	fuzz_qualify_check_output(TARGET, &res);
	bench_q_binary_free(&c.bin);
	plist_free(c.root);
	bench_qualify_result_free(&res);
	close(fd);
	return 0;
}
