/* Fixture: the other kext exporting shared_table; see collide_a_kext.c. */
const int kmod_info = 2;
int shared_table[4];
int b_only = 7;
