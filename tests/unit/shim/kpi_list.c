/* Prints the KPI table, "name<TAB>library" a line, for check_kpi_table.py:
 * the check reads the compiled table, not the source text. */
#include <stdio.h>

#include "shim/kpi.h"

int main(void)
{
	const struct shim_kpi_symbol *s;

	for (size_t i = 0; (s = shim_kpi_symbol_at(i)) != NULL; i++)
		printf("%s\t%s\n", s->name, s->library->id);
	return fflush(stdout) == 0 ? 0 : 1;
}
