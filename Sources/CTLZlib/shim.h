// zlib (Debian zlib1g-dev, pkg-config "zlib"): inflating HDF5 gzip chunks on worker threads.
#include <zlib.h>
