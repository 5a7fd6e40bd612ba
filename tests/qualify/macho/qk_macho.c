/* The corpus's Mach-O kext: built for macOS (clang -target
 * x86_64-apple-macos, ld64.lld -bundle, MH_KEXT_BUNDLE patched in by
 * mk_macho.py) against this bench's KPI names, so the static rules see a
 * real Mach-O binary. No system header: nothing of Apple's SDK is needed. */
struct qk_kmod_info {
	unsigned int abi_version;
	const void *desc;
};

extern void shim_log_(int level, const char *file, int line, const char *fmt, ...);

/* Its class, as an OSMetaClass instance names it:
 * org_drvbench_test_macho::gMetaClass. */
int qk_meta __asm__("__ZN23org_drvbench_test_macho10gMetaClassE") = 0;

void org_drvbench_test_macho_hello(void);
void org_drvbench_test_macho_hello(void)
{
	shim_log_(2, "qk_macho.c", 1, "hello");
}

extern const struct qk_kmod_info kmod_info;
const struct qk_kmod_info kmod_info = { 1, 0 };
