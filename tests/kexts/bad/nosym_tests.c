/* A shared object given as a test module that is not one: it exports a
 * function but no drvbench_test_module, so the bench must refuse it. */
int nosym_tests_answer(void);

int nosym_tests_answer(void)
{
	return 42;
}
