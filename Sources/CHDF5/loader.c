// Brings libhdf5 into the process on first use: dlopen, dlsym of every function and variable
// TLHDF5 uses (symbols.h), then the version check libhdf5 expects of a program built against
// its headers. Until then the process has not loaded libhdf5 nor its dependency chain (libcurl,
// gnutls, krb5, ldap, ssh2, …), which cost start-up time in every run that reads only .npy.
#include "symbols.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

TLH5_HIDDEN struct tlh5_symbols tlh5_symbols;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int loaded;
static char failure[1024];

// The soname of the serial libhdf5 whose headers these are: Debian and Ubuntu name it
// libhdf5_serial.so.N (N: 103 for 1.10, 200 for 1.12, 310 for 1.14), upstream builds
// libhdf5.so.N. The unversioned names (libhdf5-dev's) come last; the version check refuses
// a library of another version whichever name found it.
#if H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10
#define TLH5_SOVERSION "103"
#elif H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 12
#define TLH5_SOVERSION "200"
#else
#define TLH5_SOVERSION "310"
#endif

static const char *const candidates[] = {
#ifdef __APPLE__
  "libhdf5." TLH5_SOVERSION ".dylib", "libhdf5.dylib",
#else
  "libhdf5_serial.so." TLH5_SOVERSION, "libhdf5.so." TLH5_SOVERSION, "libhdf5_serial.so", "libhdf5.so",
#endif
};

// Opens the library named by TL_HDF5_LIBRARY, or the first candidate dlopen finds; on failure
// records dlerror's line for the first name tried (the one a normal installation has).
static void *open_library(const char **name) {
  const char *override = getenv("TL_HDF5_LIBRARY");
  if (override != NULL && override[0] != '\0') {
    *name = override;
    // A path (dlopen searches only for bare names) must be a regular file: dlopen's open()
    // of a FIFO would block until a writer comes, and a device has no library to read.
    struct stat status;
    if (strchr(override, '/') != NULL && stat(override, &status) == 0 && !S_ISREG(status.st_mode)) {
      snprintf(failure, sizeof failure, "%s (TL_HDF5_LIBRARY) is not a regular file", override);
      return NULL;
    }
    void *handle = dlopen(override, RTLD_LAZY | RTLD_GLOBAL);
    if (handle == NULL) snprintf(failure, sizeof failure, "%s", dlerror());
    return handle;
  }
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    *name = candidates[i];
    // As when linked: lazy binding (the library's own calls resolved when first made), and
    // global symbols (filter plugins libhdf5 loads may expect them).
    void *handle = dlopen(candidates[i], RTLD_LAZY | RTLD_GLOBAL);
    if (handle != NULL) return handle;
    if (i == 0) snprintf(failure, sizeof failure, "%s", dlerror());
  }
  return NULL;
}

// Fills tlh5_symbols from `handle`; 0, or -1 naming the first symbol missing.
static int resolve(void *handle, const char *name) {
#define TLH5_RESOLVE(member, symbol)                                                       \
  *(void **)&tlh5_symbols.member = dlsym(handle, symbol);                                  \
  if (tlh5_symbols.member == NULL) {                                                       \
    snprintf(failure, sizeof failure, "%s has no symbol %s", name, symbol);                \
    return -1;                                                                             \
  }
#define TLH5_FUNCTION(type, function, parameters, arguments) TLH5_RESOLVE(function, #function)
#include "functions.h"
#undef TLH5_FUNCTION
#define TLH5_GLOBAL(variable) TLH5_RESOLVE(variable, #variable)
#include "globals.h"
#undef TLH5_GLOBAL
#undef TLH5_RESOLVE
  return 0;
}

// Refuses a library of another version than the headers', then runs libhdf5's own check, which
// the headers' H5F_ACC_* macros run again (constants.c). libhdf5's rule (H5check_version in H5.c)
// is laxer than exact equality: the same major.minor is required; a different release, older or
// newer, is accepted unless the library's or the headers' release is in an exception list
// compiled into the library (1.10.8 refuses headers of 1.10.0, 1.10.1, 1.10.2 and 1.10.4; 1.14
// lists none); HDF5_DISABLE_VERSION_CHECK=1 lets any difference through with a warning, 2 and
// more silently. What it refuses it answers with abort(), and the exception list cannot be asked
// for without that risk, so the library must be exactly the headers' version: then
// H5check_version accepts it whatever the list and the environment say, and a library of
// another release (an upgrade since tl-run was built) is one line, not an abort.
static int check_version(const char *name) {
  unsigned major = 0, minor = 0, release = 0;
  if (tlh5_symbols.H5get_libversion(&major, &minor, &release) < 0) {
    snprintf(failure, sizeof failure, "%s does not report its version", name);
    return -1;
  }
  if (major != H5_VERS_MAJOR || minor != H5_VERS_MINOR || release != H5_VERS_RELEASE) {
    snprintf(
      failure, sizeof failure,
      "%s is libhdf5 %u.%u.%u, but tl-run was built with the headers of %d.%d.%d (rebuild tl-run)",
      name, major, minor, release, H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE);
    return -1;
  }
  if (tlh5_symbols.H5check_version(H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE) < 0) {
    snprintf(failure, sizeof failure, "%s refused the version check", name);
    return -1;
  }
  return 0;
}

static void load_once(void) {
  const char *name = "libhdf5";
  void *handle = open_library(&name);
  if (handle == NULL) return;
  if (resolve(handle, name) != 0) {
    // Nothing of the library has run yet, so it can go again.
    dlclose(handle);
    return;
  }
  if (check_version(name) != 0) return;  // It has initialised itself: it stays.
  atomic_store(&loaded, 1);
}

int tlh5_load(void) {
  pthread_once(&once, load_once);
  return atomic_load(&loaded) ? 0 : -1;
}

int tlh5_is_loaded(void) { return atomic_load(&loaded); }

const char *tlh5_load_failure(void) { return atomic_load(&loaded) ? "" : failure; }
