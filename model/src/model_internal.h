/* The mark on the model room's internal cross-file names: declared with
 * MODEL_INTERNAL in a private header, they link between the room's own
 * files but are hidden from libdrvbench-model.so's exports, so a reader
 * (and nm -D) tells them from the public API of model/include. */
#ifndef MODEL_INTERNAL_H
#define MODEL_INTERNAL_H

#if defined(__GNUC__)
#define MODEL_INTERNAL __attribute__((visibility("hidden")))
#else
#define MODEL_INTERNAL
#endif

#endif
