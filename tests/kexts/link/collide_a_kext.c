/* Fixture: one of two kexts that both export shared_table (a collision in
 * the kernel's flat namespace once the other is loaded). */
const int kmod_info = 1;
int shared_table[4] = { 1, 2, 3, 4 };
int a_only;
