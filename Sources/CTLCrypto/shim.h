// OpenSSL's libcrypto (Debian libssl-dev, pkg-config "libcrypto"): the SHA-256 of a batch run's
// identity, through the EVP digest interface.
#include <openssl/evp.h>
