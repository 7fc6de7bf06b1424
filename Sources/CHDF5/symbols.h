// The addresses loader.c finds in libhdf5: one per function of functions.h and per variable
// of globals.h, written once by tlh5_load (under pthread_once) and only read afterwards.
#ifndef CHDF5_SYMBOLS_H
#define CHDF5_SYMBOLS_H

#include "CHDF5.h"

// Not exported from the executable: tl-run is linked with --export-dynamic, and an exported
// H5Fopen of ours would stand in for libhdf5's own wherever the library calls its public API.
#define TLH5_HIDDEN __attribute__((visibility("hidden")))

struct tlh5_symbols {
#define TLH5_FUNCTION(type, name, parameters, arguments) __typeof__(name) *name;
#include "functions.h"
#undef TLH5_FUNCTION
#define TLH5_GLOBAL(name) hid_t *name;
#include "globals.h"
#undef TLH5_GLOBAL
};

TLH5_HIDDEN extern struct tlh5_symbols tlh5_symbols;

#endif
