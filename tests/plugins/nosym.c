/* A shared object that is not a model plugin: it exports a function but
 * no drvbench_model_plugin descriptor, so the catalogue must refuse it. */
int test_nosym_answer(void);

int test_nosym_answer(void)
{
	return 42;
}
