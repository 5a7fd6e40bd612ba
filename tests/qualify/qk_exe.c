/* An executable where a kext's shared object belongs (binary.type). */
int main(void)
{
	return 0;
}
