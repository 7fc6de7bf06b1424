// OpenSSL's libcrypto (Debian libssl-dev): the SHA-256 of a batch run's identity, through the
// EVP digest interface. module.modulemap links the static archive libcrypto.a, as CBLAS links
// OpenBLAS's: the shared library's relocations cost every process start-up time, and only a
// batch uses it.
#include <openssl/evp.h>
