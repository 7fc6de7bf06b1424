// liblzma (Debian liblzma-dev, pkg-config "liblzma"): LZMA members (method 14) of .npz archives.
#include <lzma.h>
