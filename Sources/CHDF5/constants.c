// The accessors of CHDF5.h that call into the library. Each returns hdf5.h's own macro; the
// macro's variable (`H5T_NATIVE_FLOAT_g`) is redirected to the address tlh5_load found, so the
// header still decides which variable a constant is. A macro naming itself in its expansion is
// not expanded again, so `H5T_NATIVE_FLOAT_g` becomes `(*tlh5_symbols.H5T_NATIVE_FLOAT_g)`.
#include "symbols.h"

#define H5P_CLS_DATASET_CREATE_ID_g (*tlh5_symbols.H5P_CLS_DATASET_CREATE_ID_g)
#define H5P_CLS_LINK_CREATE_ID_g (*tlh5_symbols.H5P_CLS_LINK_CREATE_ID_g)
#define H5P_CLS_LINK_ACCESS_ID_g (*tlh5_symbols.H5P_CLS_LINK_ACCESS_ID_g)
#define H5T_NATIVE_INT8_g (*tlh5_symbols.H5T_NATIVE_INT8_g)
#define H5T_NATIVE_INT16_g (*tlh5_symbols.H5T_NATIVE_INT16_g)
#define H5T_NATIVE_INT32_g (*tlh5_symbols.H5T_NATIVE_INT32_g)
#define H5T_NATIVE_INT64_g (*tlh5_symbols.H5T_NATIVE_INT64_g)
#define H5T_NATIVE_UINT8_g (*tlh5_symbols.H5T_NATIVE_UINT8_g)
#define H5T_NATIVE_UINT16_g (*tlh5_symbols.H5T_NATIVE_UINT16_g)
#define H5T_NATIVE_UINT32_g (*tlh5_symbols.H5T_NATIVE_UINT32_g)
#define H5T_NATIVE_UINT64_g (*tlh5_symbols.H5T_NATIVE_UINT64_g)
#define H5T_NATIVE_FLOAT_g (*tlh5_symbols.H5T_NATIVE_FLOAT_g)
#define H5T_NATIVE_DOUBLE_g (*tlh5_symbols.H5T_NATIVE_DOUBLE_g)
#define H5T_STD_I8LE_g (*tlh5_symbols.H5T_STD_I8LE_g)
#define H5T_STD_I16LE_g (*tlh5_symbols.H5T_STD_I16LE_g)
#define H5T_STD_I32LE_g (*tlh5_symbols.H5T_STD_I32LE_g)
#define H5T_STD_I64LE_g (*tlh5_symbols.H5T_STD_I64LE_g)
#define H5T_STD_U8LE_g (*tlh5_symbols.H5T_STD_U8LE_g)
#define H5T_STD_U16LE_g (*tlh5_symbols.H5T_STD_U16LE_g)
#define H5T_STD_U32LE_g (*tlh5_symbols.H5T_STD_U32LE_g)
#define H5T_STD_U64LE_g (*tlh5_symbols.H5T_STD_U64LE_g)
#define H5T_IEEE_F32LE_g (*tlh5_symbols.H5T_IEEE_F32LE_g)
#define H5T_IEEE_F64LE_g (*tlh5_symbols.H5T_IEEE_F64LE_g)

unsigned tlh5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned tlh5_acc_rdwr(void) { return H5F_ACC_RDWR; }
unsigned tlh5_acc_excl(void) { return H5F_ACC_EXCL; }

hid_t tlh5_dataset_create_class(void) { return H5P_DATASET_CREATE; }
hid_t tlh5_link_create_class(void) { return H5P_LINK_CREATE; }
hid_t tlh5_link_access_class(void) { return H5P_LINK_ACCESS; }

hid_t tlh5_native_int8(void) { return H5T_NATIVE_INT8; }
hid_t tlh5_native_int16(void) { return H5T_NATIVE_INT16; }
hid_t tlh5_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t tlh5_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t tlh5_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t tlh5_native_uint16(void) { return H5T_NATIVE_UINT16; }
hid_t tlh5_native_uint32(void) { return H5T_NATIVE_UINT32; }
hid_t tlh5_native_uint64(void) { return H5T_NATIVE_UINT64; }
hid_t tlh5_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t tlh5_native_double(void) { return H5T_NATIVE_DOUBLE; }

hid_t tlh5_std_i8le(void) { return H5T_STD_I8LE; }
hid_t tlh5_std_i16le(void) { return H5T_STD_I16LE; }
hid_t tlh5_std_i32le(void) { return H5T_STD_I32LE; }
hid_t tlh5_std_i64le(void) { return H5T_STD_I64LE; }
hid_t tlh5_std_u8le(void) { return H5T_STD_U8LE; }
hid_t tlh5_std_u16le(void) { return H5T_STD_U16LE; }
hid_t tlh5_std_u32le(void) { return H5T_STD_U32LE; }
hid_t tlh5_std_u64le(void) { return H5T_STD_U64LE; }
hid_t tlh5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t tlh5_ieee_f64le(void) { return H5T_IEEE_F64LE; }
