"""Writes testdata/hostile/: small HDF5 files, damaged on purpose, that crashed, hung or made
tl-run allocate wildly before it checked them (h5py==3.16.0, numpy==2.4.6; run from anywhere).

Each damaged file is a valid h5py file with a few bytes patched. The bytes are found by the
structure they belong to (a datatype, dataspace or layout message, located by its exact bytes
and required to occur once), so the patches stay readable; the files found by the mutation
run are listed by offset. Every file is tiny (a few KB).

- enum-size-wide.h5: h5py's bool (an enum of int8) with the enum's size byte 1 changed, so the
  enum is 32,769 bytes wide while its base stays 1 byte. tl-run read a member value into a
  1-byte buffer (H5Tget_member_value copies the enum's size): SIGSEGV; smaller sizes smashed
  the stack. Now: a 2-member enum that is not bool, refused by name.
- enum-size-crash.h5: the same byte pair set so the enum is 4.7 MB wide: libhdf5 1.10.8 itself
  crashes copying the member values in H5T_copy, under H5Dopen (H5O_msg_read).
- dims-beyond-max.h5: a (2, 3) float32 dataset whose first dimension says 2**40 while its
  stored maximum stays 2 (h5py refuses to open it); tl-run asked for 25 TB.
- never-written-huge.h5: valid, written by h5py alone: a chunked float64 dataset of shape
  (2**40,) that was never written (1.4 KB file); reading it means 8 TiB of fill values.
- never-written-small.h5: valid: never-written datasets that read as their fill value,
  /chunked (6,) float32 fill 1.5 and /contiguous (2, 2) int32 fill 7; expected/never-written/
  holds np.save's twins of what h5py reads.
- compact-short.h5: a compact int32 dataset whose dimension and maximum both say 1000 where it
  stores 6 elements (24 bytes): libhdf5 copied 4000 bytes out of the 24 (SIGSEGV in memcpy).
- contiguous-short.h5: the same for a contiguous (2, 3) float32 dataset, now (2, 3000).
- chunk-huge.h5: a chunked (3, 4) float32 dataset whose chunk shape says (2147483647, 2): a
  16 GiB chunk, which libhdf5 never writes.
- heap-size-abort.h5: the root group's local heap says its data segment is 2**64 - 1 bytes:
  glibc aborts inside libhdf5 (`malloc(): corrupted top size`, SIGABRT, after writing its own
  line to stderr), as `free(): invalid pointer` does in H5O_msg_reset.
- heap-address-crash.h5: the same heap's data segment address set to 2**64 - 1: SIGSEGV in
  H5F__accum_read.
- chunk-shape-larger.h5, chunk-shape-smaller.h5: /z of chunked.h5 ((3, 4) float32, chunks
  (2, 2), unfiltered) with the layout's chunk shape patched to (2, 3) and (2, 1), the stored
  chunks unchanged (16 bytes each). libhdf5 1.10.8 trusts the layout: with (2, 3) it copied past
  the end of a buffer (heap overflow, found by fuzzing: H5VM_memcpyvv under H5Dread) and read
  garbage; with (2, 1) it read elements from the wrong places. No error either way.
- gzip-chunk-larger.h5, gzip-chunk-smaller.h5: /g/z of multi.h5 ((12, 5) float64, chunks
  (4, 5), shuffle and deflate) with the chunk shape patched to (4, 6) and (4, 4): each chunk
  inflates to fewer or more bytes than the layout's chunk: the larger one overflowed a buffer
  in libhdf5 1.10.8 (AddressSanitizer), the smaller one read wrong values.
- later-chunk-short.h5: a (4, 6) float32 dataset, chunks (2, 3), two of its four chunks
  written (unfiltered); the chunk index's key for the one at [2, 3] says it stores 8 bytes, not
  24, the layout untouched. libhdf5 1.10.8 sized its buffer by the key and copied 24 bytes out
  of it (heap overflow); only a check of every stored chunk finds it.
- gzip-later-short.h5: not patched, written by h5py's write_direct_chunk: the same dataset under
  deflate, its chunk at [2, 3] a zlib stream of 8 bytes where a chunk holds 24.
- raw-edges.h5: valid (libver v110): deflate with partial edge chunks stored unfiltered
  (H5Pset_chunk_opts(H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS), through ctypes on h5py's own
  libhdf5: h5py has no call for it): /edge (6,) float32 in chunks of 4 and /small (3,), whose
  only chunk is partial; each holds arange(n).
- elink-unterminated.h5: external-link.h5 with the zero byte that ends /ext's object path
  changed to `y`. libhdf5 1.10.8 takes the path's length with strlen while following the link,
  past the end of its buffer (a heap overflow found by fuzzing, under H5Oexists_by_name); h5py
  refuses it ("Linkval buffer is not null-terminated").
- external-link.h5: valid: /ext is an external link to external-target.h5:/x, which is not
  committed; the tests put a FIFO of that name beside a copy (libhdf5 blocked opening it).
- mutated-*.h5: inputs of the mutation run (bytes of small h5py files flipped at random, then
  reduced to the bytes that matter) on which libhdf5 1.10.8 crashes; each entry of MUTATED says
  where.
"""

import ctypes
import glob
import os
import pathlib
import struct
import zlib

import h5py
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent / "hostile"


def write_bool(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("b", data=np.array([True, False, True]))


def write_small(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=np.arange(6, dtype=np.float32).reshape(2, 3))


def write_compact(path):
    with h5py.File(path, "w") as f:
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        f.create_dataset("c", data=np.arange(6, dtype=np.int32), dcpl=dcpl)


def write_chunked(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("z", data=np.arange(12, dtype=np.float32).reshape(3, 4), chunks=(2, 2))


def write_multi(path):
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        f.create_dataset("g/a", data=rng.standard_normal((4, 3)).astype(np.float32))
        f.create_dataset(
            "g/z", data=rng.standard_normal((12, 5)), chunks=(4, 5), compression="gzip", shuffle=True
        )
        f.create_dataset("i", data=np.arange(10, dtype=np.int16), chunks=(4,))
        f.create_dataset("b", data=np.array([True, False]))
        f["s"] = h5py.SoftLink("/g/a")
        f.attrs["note"] = "x"


def write_v110(path):
    with h5py.File(path, "w", libver=("v110", "v110")) as f:
        f.create_dataset(
            "z", data=np.arange(40, dtype=np.float64).reshape(8, 5), chunks=(3, 2), compression="gzip"
        )
        f.create_dataset("e", data=np.arange(12, dtype=np.int32), chunks=(4,), maxshape=(None,))
        f.create_dataset("c", data=np.arange(6, dtype=np.float32))


def write_part(path):
    # Two of the four (2, 3) chunks written: the others are not allocated, so libhdf5 reads it.
    values = np.arange(24, dtype=np.float32).reshape(4, 6) + 1
    with h5py.File(path, "w") as f:
        d = f.create_dataset("p", shape=(4, 6), chunks=(2, 3), dtype="f4")
        d[0:2, 0:3] = values[0:2, 0:3]
        d[2:4, 3:6] = values[2:4, 3:6]


def write_gzip_later_short(path):
    with h5py.File(path, "w") as f:
        d = f.create_dataset("p", shape=(4, 6), chunks=(2, 3), dtype="f4", compression="gzip")
        d.id.write_direct_chunk((0, 0), zlib.compress(np.ones((2, 3), np.float32).tobytes()))
        d.id.write_direct_chunk((2, 3), zlib.compress(np.ones(2, np.float32).tobytes()))


def write_raw_edges(path):
    libs = glob.glob(os.path.join(os.path.dirname(h5py.__file__), os.pardir, "h5py.libs", "libhdf5-*"))
    library = ctypes.CDLL(next(lib for lib in libs if "hl" not in os.path.basename(lib)))
    with h5py.File(path, "w", libver=("v110", "v110")) as f:
        for name, n in (("edge", 6), ("small", 3)):
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_chunk((4,))
            dcpl.set_deflate(4)
            dcpl.set_obj_track_times(False)  # the same bytes from every run
            assert library.H5Pset_chunk_opts(ctypes.c_int64(dcpl.id), ctypes.c_uint(2)) == 0
            space = h5py.h5s.create_simple((n,), (h5py.h5s.UNLIMITED,))
            h5py.h5d.create(f.id, name.encode(), h5py.h5t.NATIVE_FLOAT, space, dcpl=dcpl)
            f[name][...] = np.arange(n, dtype=np.float32)


BASES = {
    "bool": write_bool,
    "small": write_small,
    "compact": write_compact,
    "chunked": write_chunked,
    "multi": write_multi,
    "v110": write_v110,
    "part": write_part,
}

# The enum datatype message of h5py's bool: class 8 version 1, 2 members, size 1, then its base.
ENUM = bytes([0x18, 2, 0, 0, 1, 0, 0, 0, 0x10])
# Version-1 dataspace messages, with maxima: rank 1 (6,) and rank 2 (2, 3).
SPACE_6 = bytes([1, 1, 1, 0, 0, 0, 0, 0]) + struct.pack("<QQ", 6, 6)
SPACE_2_3 = bytes([1, 2, 1, 0, 0, 0, 0, 0]) + struct.pack("<QQQQ", 2, 3, 2, 3)
# Version-3 chunked layout: rank 2 + 1, a chunk address, then chunk dims 2, 2 and the size 4.
CHUNK_DIMS = struct.pack("<III", 2, 2, 4)
# The same for multi.h5's /g/z: chunk dims 4, 5 of 8-byte elements.
GZIP_CHUNK_DIMS = struct.pack("<III", 4, 5, 8)
# A version-1 B-tree key of a rank-2 chunk: its stored size 24, filter mask 0, offsets 2, 3, 0.
KEY_2_3 = struct.pack("<IIQQQ", 24, 0, 2, 3, 0)

# (file, base, {offset: byte}): found by the mutation run, reduced to the bytes that matter.
# The crash each one causes in libhdf5 1.10.8 is noted.
MUTATED = [
    # The enum's base type size, top byte: SIGSEGV in H5O_msg_read_oh under H5D_open.
    ("mutated-enum-base-size.h5", "bool", {871: 227}),
    # The layout message's version 3 → 2: SIGSEGV in H5VM_memcpyvv under H5Dread.
    ("mutated-layout-version.h5", "bool", {920: 2}),
    # A datatype size byte of /g/z: SIGSEGV in H5T_copy under H5D_open.
    ("mutated-multi-dtype.h5", "multi", {9798: 31}),
]


def base_bytes(name):
    path = OUT / f".base-{name}.h5"
    BASES[name](path)
    data = bytearray(path.read_bytes())
    path.unlink()
    return data


def find_once(data, pattern):
    at = data.find(pattern)
    assert at >= 0 and data.find(pattern, at + 1) < 0, f"pattern found {data.count(pattern)} times"
    return at


def patched(base, pattern, offset, replacement):
    data = base_bytes(base)
    at = find_once(data, pattern) + offset
    data[at : at + len(replacement)] = replacement
    return data


def write(name, data):
    (OUT / name).write_bytes(bytes(data))


def main():
    OUT.mkdir(exist_ok=True)
    # Enum size (bytes 4..7 of the message) 1 → 0x8001, and → 0x490001.
    write("enum-size-wide.h5", patched("bool", ENUM, 5, b"\x80"))
    write("enum-size-crash.h5", patched("bool", ENUM, 6, b"\x49"))
    write("dims-beyond-max.h5", patched("small", SPACE_2_3, 8, struct.pack("<Q", 2**40)))
    write("compact-short.h5", patched("compact", SPACE_6, 8, struct.pack("<QQ", 1000, 1000)))
    write(
        "contiguous-short.h5", patched("small", SPACE_2_3, 8, struct.pack("<QQQQ", 2, 3000, 2, 3000))
    )
    write("chunk-huge.h5", patched("chunked", CHUNK_DIMS, 0, struct.pack("<I", 2**31 - 1)))
    # The chunk shape's second dimension, the stored chunks left as they are.
    write("chunk-shape-larger.h5", patched("chunked", CHUNK_DIMS, 4, struct.pack("<I", 3)))
    write("chunk-shape-smaller.h5", patched("chunked", CHUNK_DIMS, 4, struct.pack("<I", 1)))
    write("gzip-chunk-larger.h5", patched("multi", GZIP_CHUNK_DIMS, 4, struct.pack("<I", 6)))
    write("gzip-chunk-smaller.h5", patched("multi", GZIP_CHUNK_DIMS, 4, struct.pack("<I", 4)))
    write("later-chunk-short.h5", patched("part", KEY_2_3, 0, struct.pack("<I", 8)))
    write_gzip_later_short(OUT / "gzip-later-short.h5")
    write_raw_edges(OUT / "raw-edges.h5")
    # Local heap: signature, version and 3 reserved bytes, data segment size, free list
    # offset, data segment address.
    write("heap-size-abort.h5", patched("small", b"HEAP", 8, b"\xff" * 8))
    write("heap-address-crash.h5", patched("small", b"HEAP", 24, b"\xff" * 8))

    with h5py.File(OUT / "never-written-huge.h5", "w") as f:
        f.create_dataset("x", shape=(2**40,), dtype="f8", chunks=(1024,))
    with h5py.File(OUT / "never-written-small.h5", "w") as f:
        f.create_dataset("chunked", shape=(6,), dtype="f4", chunks=(3,), fillvalue=1.5)
        f.create_dataset("contiguous", shape=(2, 2), dtype="i4", fillvalue=7)
    expected = OUT / "expected" / "never-written"
    expected.mkdir(parents=True, exist_ok=True)
    with h5py.File(OUT / "never-written-small.h5", "r") as f:
        for name in ["chunked", "contiguous"]:
            np.save(expected / f"{name}.npy", f[name][()])

    with h5py.File(OUT / "external-link.h5", "w") as f:
        f["ext"] = h5py.ExternalLink("external-target.h5", "/x")
    data = bytearray((OUT / "external-link.h5").read_bytes())
    at = find_once(data, b"external-target.h5\x00/x\x00") + len(b"external-target.h5\x00/x")
    data[at] = ord("y")
    write("elink-unterminated.h5", data)

    for name, base, patches in MUTATED:
        data = base_bytes(base)
        for offset, value in patches.items():
            data[offset] = value
        write(name, data)


if __name__ == "__main__":
    main()
