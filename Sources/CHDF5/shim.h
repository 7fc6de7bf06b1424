// libhdf5 (Debian libhdf5-dev, pkg-config "hdf5-serial"). Accessors for the C macros that
// Swift cannot import are added next to this header as prefixed static inline functions.
#include <hdf5.h>

// Defaults and selections: casts in macros (`(hid_t)0`), which Swift imports as Int32 or not at all.
static inline hid_t tlh5_default(void) { return H5P_DEFAULT; }
static inline hid_t tlh5_error_default(void) { return H5E_DEFAULT; }
static inline hid_t tlh5_select_all(void) { return H5S_ALL; }

// File access flags: each expands to `H5open()` plus a constant.
static inline unsigned tlh5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned tlh5_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned tlh5_acc_excl(void) { return H5F_ACC_EXCL; }

// Property list classes.
static inline hid_t tlh5_dataset_create_class(void) { return H5P_DATASET_CREATE; }
static inline hid_t tlh5_link_create_class(void) { return H5P_LINK_CREATE; }
static inline hid_t tlh5_link_access_class(void) { return H5P_LINK_ACCESS; }

// Native memory types (the host's byte order).
static inline hid_t tlh5_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t tlh5_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t tlh5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t tlh5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t tlh5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t tlh5_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t tlh5_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t tlh5_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t tlh5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t tlh5_native_double(void) { return H5T_NATIVE_DOUBLE; }

// File types, little-endian as NumPy and h5py write them on every common machine.
static inline hid_t tlh5_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t tlh5_std_i16le(void) { return H5T_STD_I16LE; }
static inline hid_t tlh5_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t tlh5_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t tlh5_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t tlh5_std_u16le(void) { return H5T_STD_U16LE; }
static inline hid_t tlh5_std_u32le(void) { return H5T_STD_U32LE; }
static inline hid_t tlh5_std_u64le(void) { return H5T_STD_U64LE; }
static inline hid_t tlh5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t tlh5_ieee_f64le(void) { return H5T_IEEE_F64LE; }

// The address a missing chunk reports: `((haddr_t)(int64_t)(-1))`, a cast Swift does not import.
static inline haddr_t tlh5_haddr_undef(void) { return HADDR_UNDEF; }
