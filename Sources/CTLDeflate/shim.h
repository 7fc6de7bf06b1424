// libdeflate (Debian libdeflate-dev, pkg-config "libdeflate"): whole-buffer zlib decoding of
// HDF5's gzip chunks, about twice as fast as zlib's streaming inflate. Imported by TLChunks.
#include <libdeflate.h>
