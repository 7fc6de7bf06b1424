// libbz2 (Debian libbz2-dev, which ships no pkg-config file; bzlib.h is in /usr/include):
// bzip2 members (method 12) of .npz archives.
#include <bzlib.h>
