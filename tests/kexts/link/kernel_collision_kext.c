/* Fixture: a kext defining globals in the kernel's namespace: one KPI's
 * name (shim_log_, what the shim_log macro calls) and one under the shim_
 * prefix that is no KPI. */
const int kmod_info = 1;

void shim_log_(int level, const char *file, int line, const char *fmt, ...);
void shim_log_(int level, const char *file, int line, const char *fmt, ...)
{
	(void)level;
	(void)file;
	(void)line;
	(void)fmt;
}

int shim_fixture_private_state;
