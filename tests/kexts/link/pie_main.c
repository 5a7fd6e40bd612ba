/* Fixture: a position-independent executable, ET_DYN like a shared object
 * but not one; the ELF reader must tell them apart. */
int main(void)
{
	return 0;
}
