// libhdf5 (Debian libhdf5-dev, pkg-config "hdf5-serial"). Accessors for the C macros that
// Swift cannot import are added next to this header as prefixed static inline functions.
#include <hdf5.h>
