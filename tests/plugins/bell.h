/* "bell", the sample model plugin's device: its identity and BAR0
 * register map, shared by the plugin and the tests that drive it. A
 * test-only identity (vendor 0x1234 is QEMU's, device 0xbe11 is unused). */
#ifndef TEST_BELL_H
#define TEST_BELL_H

#define BELL_VENDOR 0x1234
#define BELL_DEVICE 0xbe11
#define BELL_SUBSYS_VENDOR 0x1234
#define BELL_SUBSYS_ID 0x0001
#define BELL_CLASS 0xff0000u /* "fits no defined class" */
#define BELL_REVISION 0x01
#define BELL_BAR0_SIZE 0x1000u
#define BELL_ID_DEFAULT 0xbe110001u

/* BAR0, 32-bit registers. */
#define BELL_REG_ID 0x00       /* RO: BELL_ID_DEFAULT, or the id= option */
#define BELL_REG_SCRATCH 0x04  /* RW */
#define BELL_REG_DOORBELL 0x08 /* W: ring (after irq_delay_ns): MSI vector 0, else INTx */
#define BELL_REG_STATUS 0x0c   /* RO: BELL_STATUS_RUNG while an interrupt is pending */
#define BELL_REG_ACK 0x10      /* W: clears STATUS (and lowers INTx) */
#define BELL_REG_RINGS 0x14    /* RO: interrupts raised since reset */
#define BELL_STATUS_RUNG 0x1u

#endif
