// libhdf5's declarations, and the loader that brings the library into the process on first use.
//
// Nothing links libhdf5: loader.c dlopen()s it when TLHDF5 first needs it (tlh5_load), and
// forwarders.c defines each H5* function TLHDF5 calls as a jump through the address dlsym
// found. So a run that never touches an HDF5 file never loads libhdf5 and its ~30 dependencies.
// The headers: <hdf5/serial/hdf5.h> when the include path has it (libhdf5-dev on Debian and
// Ubuntu: /usr/include/hdf5/serial), else <hdf5.h> (other installations; their directory on the
// include path, e.g. `-Xcc -I/opt/homebrew/include`).
#ifndef CHDF5_H
#define CHDF5_H

// Every H5* declaration without a visibility attribute, whoever built the headers. forwarders.c
// defines the functions hidden (symbols.h), which clang refuses after a declaration with another
// visibility ("visibility does not match previous declaration"). Headers of a CMake-built libhdf5
// (upstream binaries, conda-forge, Homebrew) define H5_BUILT_AS_DYNAMIC_LIB in H5pubconf.h, and
// H5api_adpt.h then declares each function visibility("default"); autotools-built ones (Debian's)
// do not, and H5api_adpt.h's H5_DLL is empty. So H5api_adpt.h (include-guarded) is read here
// once with the macro undefined; hdf5.h's own inclusions of H5pubconf.h (which has no guard and
// defines the macro again) and of H5api_adpt.h then change nothing. For a program that calls
// libhdf5 through its own forwarders, the attribute has no use: it matters to Windows DLLs and
// to libhdf5's own build.
#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/H5pubconf.h>
#undef H5_BUILT_AS_DYNAMIC_LIB
#include <hdf5/serial/H5api_adpt.h>
#include <hdf5/serial/hdf5.h>
#else
#include <H5pubconf.h>
#undef H5_BUILT_AS_DYNAMIC_LIB
#include <H5api_adpt.h>
#include <hdf5.h>
#endif

/// Loads libhdf5 once per process (later calls return the first call's answer), thread-safe:
/// the library named by the environment variable TL_HDF5_LIBRARY when it is set and not empty,
/// else the first of libhdf5's usual sonames for the headers' version that dlopen finds
/// (`libhdf5_serial.so.103` for 1.10 on Debian). Refuses a library lacking one of the functions
/// or variables used, or whose version is not exactly the headers' (libhdf5's own check accepts
/// some release differences within a major.minor, but answers the others with abort() and cannot
/// be asked which beforehand: loader.c). Returns 0 when the library is loaded, -1 otherwise
/// (tlh5_load_failure says why).
/// No H5* function may be called before it has returned 0.
int tlh5_load(void);

/// 1 when tlh5_load has succeeded in this process, else 0.
int tlh5_is_loaded(void);

/// Why tlh5_load failed, one line (`libhdf5_serial.so.103: cannot open shared object file: …`);
/// "" before tlh5_load has failed.
const char *tlh5_load_failure(void);

// Accessors for the C macros Swift cannot import, as prefixed functions.

// Defaults and selections: casts in macros (`(hid_t)0`), which Swift imports as Int32 or not at all.
static inline hid_t tlh5_default(void) { return H5P_DEFAULT; }
static inline hid_t tlh5_error_default(void) { return H5E_DEFAULT; }
static inline hid_t tlh5_select_all(void) { return H5S_ALL; }

// The address a missing chunk reports: `((haddr_t)(int64_t)(-1))`, a cast Swift does not import.
static inline haddr_t tlh5_haddr_undef(void) { return HADDR_UNDEF; }

// The rest call into the library (`H5open()` plus a variable of libhdf5's), so constants.c
// defines them, reading the variables through the addresses the loader found.

// File access flags.
unsigned tlh5_acc_rdonly(void);
unsigned tlh5_acc_rdwr(void);
unsigned tlh5_acc_excl(void);

// Property list classes.
hid_t tlh5_dataset_create_class(void);
hid_t tlh5_link_create_class(void);
hid_t tlh5_link_access_class(void);

// Native memory types (the host's byte order).
hid_t tlh5_native_int8(void);
hid_t tlh5_native_int16(void);
hid_t tlh5_native_int32(void);
hid_t tlh5_native_int64(void);
hid_t tlh5_native_uint8(void);
hid_t tlh5_native_uint16(void);
hid_t tlh5_native_uint32(void);
hid_t tlh5_native_uint64(void);
hid_t tlh5_native_float(void);
hid_t tlh5_native_double(void);

// File types, little-endian as NumPy and h5py write them on every common machine.
hid_t tlh5_std_i8le(void);
hid_t tlh5_std_i16le(void);
hid_t tlh5_std_i32le(void);
hid_t tlh5_std_i64le(void);
hid_t tlh5_std_u8le(void);
hid_t tlh5_std_u16le(void);
hid_t tlh5_std_u32le(void);
hid_t tlh5_std_u64le(void);
hid_t tlh5_ieee_f32le(void);
hid_t tlh5_ieee_f64le(void);

#endif
