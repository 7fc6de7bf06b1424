// Each libhdf5 function TLHDF5 calls, defined here as a call through the address tlh5_load
// found: Swift calls `H5Fopen` as declared by hdf5.h and reaches this definition, so TLHDF5
// reads as if it linked the library. Callers have had tlh5_load succeed (TLHDF5's
// HDF5Library.load() at each entry point), so the addresses are set.
#include "symbols.h"

#define TLH5_FUNCTION(type, name, parameters, arguments) \
  TLH5_HIDDEN type name parameters { return tlh5_symbols.name arguments; }
#include "functions.h"
#undef TLH5_FUNCTION
