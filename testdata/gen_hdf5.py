"""Writes the HDF5 fixtures of module TLHDF5 under testdata/h5/.

- data.h5: every numeric dataset the reader must handle (nested groups, gzip+shuffle chunked,
  compact, big-endian, every integer width with its extremes, float16, bool as h5py's enum,
  0-d scalars, an empty (0, 3) dataset and an h5py.Empty null dataspace), attributes on the
  root, a group and a dataset (never data), and the datasets the reader must refuse: fixed and
  variable-length strings, a compound, a variable-length sequence, a non-bool enum, and an
  lzf-compressed dataset (h5py's own filter, absent from plain libhdf5).
- data_listing.json: what h5py reports for every dataset of data.h5 (path, dtype, shape,
  chunks, filters), sorted by path, for the listing tests.
- npy/<path with "/" as "__">.npy: the array h5py reads from each numeric dataset (np.save),
  so tests compare values, shapes and dtypes with an independent reader.
- chunks.json: the chunk shapes h5py picks for gzip-compressed datasets of a few shapes and
  dtypes (f.create_dataset(..., compression="gzip").chunks), which our writer must match.
- truncated.h5: data.h5 cut to its first half; not_hdf5.h5: a text file with an .h5 name.
- chunked.h5 (h5py's default, earliest file format) and chunked_v110.h5 (libver v110, which
  libhdf5 1.10 reads, so the newer chunk indexes: single chunk, fixed array, extensible array, v2 B-tree): chunked
  datasets for the reader's own chunk decoding: partial edge chunks in 1-3 dimensions, deflate
  and/or shuffle in either byte order and every item size, chunks written raw with a filter
  mask that skips deflate, shuffle or both, a dataset with unallocated chunks (fill value),
  and fletcher32 (a filter the reader leaves to libhdf5); chunked_npy/<file>__<path>.npy holds
  h5py's read of each.

Deterministic: fixed values and seeds, no timestamps (h5py's default track_times=False).
Run: python3 testdata/gen_hdf5.py (numpy and h5py pinned in testdata/requirements.txt).
"""

import json
import pathlib
import zlib

import h5py
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent / "h5"
rng = np.random.default_rng(20240611)


def integer_extremes(dtype):
    """min, max, 0, 1 and a few random values of an integer dtype, shape (2, 4)."""
    info = np.iinfo(dtype)
    random = rng.integers(info.min, info.max, size=4, dtype=dtype, endpoint=True)
    return np.array([info.min, info.max, 0, 1, *random], dtype=dtype).reshape(2, 4)


def numeric_datasets():
    """(path, array, create_dataset keywords) of every dataset the reader must return."""
    f32 = rng.standard_normal((8, 5)).astype(np.float32)
    items = [
        ("nested/group/deep/x", rng.standard_normal((2, 3)).astype(np.float32), {}),
        ("gzip_shuffle", f32, dict(chunks=(4, 5), compression="gzip", compression_opts=4, shuffle=True)),
        ("float64_be", rng.standard_normal((3, 4)).astype(">f8"), {}),
        ("float32_be_gzip", f32[:3].astype(">f4"), dict(chunks=(2, 5), compression="gzip")),
        ("float16", np.array([0.5, -2.0, 65504.0, 6e-8, np.inf, -np.inf, np.nan, 0.0], np.float16), {}),
        ("float16_be", np.array([[1.5, -0.25], [1024.0, 3e-5]], ">f2"), {}),
        ("bool", np.array([[True, False, True], [False, False, True]]), {}),
        ("scalar", np.array(2.718281828459045), {}),
        ("scalar_int", np.array(-7, np.int64), {}),
        ("empty", np.zeros((0, 3), np.float32), {}),
        ("compact", np.arange(6, dtype=np.int16).reshape(3, 2), dict(dcpl=compact_layout())),
        ("chunked_int64", np.arange(-10, 20, dtype=np.int64).reshape(5, 6), dict(chunks=(2, 3))),
    ]
    for name in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
        items.append((f"ints/{name}", integer_extremes(np.dtype(name)), {}))
    for name in ["int16", "int64", "uint32"]:
        items.append((f"ints_be/{name}", integer_extremes(np.dtype(name)).astype(np.dtype(name).newbyteorder(">")), {}))
    return items


def compact_layout():
    """A dataset creation property list with the compact layout (data in the object header)."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    return dcpl


def write_refused(f):
    """Datasets that hold no numeric array, and one whose filter plain libhdf5 lacks."""
    f.create_dataset("strings/fixed", data=np.array([b"ab", b"cde"], dtype="S3"))
    f.create_dataset("strings/vlen", data=["alpha", "beta"], dtype=h5py.string_dtype())
    f.create_dataset("compound", data=np.array([(1, 2.0), (3, 4.0)], dtype=[("a", "<i4"), ("b", "<f8")]))
    vlen = f.create_dataset("vlen", shape=(2,), dtype=h5py.vlen_dtype(np.int32))
    vlen[0], vlen[1] = np.arange(3, dtype=np.int32), np.arange(1, dtype=np.int32)
    colors = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="i1")
    f.create_dataset("enum", data=np.array([0, 2, 1], np.int8), dtype=colors)
    f.create_dataset("lzf", data=np.arange(12, dtype=np.float32).reshape(3, 4), compression="lzf")


def listing_entry(name, dset):
    """What h5py says about a dataset, in the fields of HDF5DatasetInfo."""
    dtype = dset.dtype
    numeric = dtype.kind in "biuf" and (h5py.check_enum_dtype(dtype) is None or dtype == np.bool_)
    plist = dset.id.get_create_plist()
    filters = [plist.get_filter(i)[3].decode() for i in range(plist.get_nfilters())]
    return {
        "path": "/" + name,
        "dtype": dtype.newbyteorder("=").name if numeric else None,
        "shape": list(dset.shape) if dset.shape is not None else [0],
        "chunks": list(dset.chunks) if dset.chunks else None,
        "filters": filters,
    }


def write_chunk_choices(path):
    """h5py's chunk shape for compressed datasets of several shapes and dtypes."""
    cases = [((1000, 300), "float32"), ((600, 700), "float64"), ((100000,), "float64"),
             ((7, 9, 11), "int16"), ((3, 4), "bool"), ((1, 1), "uint8"), ((2, 50, 640), "float16")]
    choices = []
    with h5py.File(path, "w") as f:
        for index, (shape, dtype) in enumerate(cases):
            dset = f.create_dataset(f"c{index}", shape=shape, dtype=dtype, compression="gzip")
            choices.append({"shape": list(shape), "dtype": dtype, "chunks": list(dset.chunks)})
    path.unlink()
    lines = ",\n".join(" " + json.dumps(choice) for choice in choices)
    (OUT / "chunks.json").write_text("[\n" + lines + "\n]\n")


def chunked_datasets():
    """(name, array, create_dataset keywords) of chunked datasets, each with edge chunks."""
    gzip = dict(compression="gzip", compression_opts=4)
    return [
        ("edges_f64", rng.standard_normal((7, 10)), dict(chunks=(3, 4), shuffle=True, **gzip)),
        ("edges_3d_i16", rng.integers(-30000, 30000, (5, 6, 7)).astype(np.int16),
         dict(chunks=(2, 4, 3), compression="gzip", compression_opts=9)),
        ("shuffle_only_u32_be", rng.integers(0, 2**32, (9, 11), dtype=np.uint32).astype(">u4"),
         dict(chunks=(4, 4), shuffle=True)),
        ("gzip_shuffle_f32_be", rng.standard_normal((10, 3)).astype(">f4"), dict(chunks=(3, 3), shuffle=True, **gzip)),
        ("gzip_i64_be", rng.integers(-2**62, 2**62, (13,)).astype(">i8"), dict(chunks=(5,), **gzip)),
        ("float16", rng.standard_normal(33).astype(np.float16), dict(chunks=(8,), shuffle=True, **gzip)),
        ("bool", rng.random((6, 5)) < 0.5, dict(chunks=(4, 2), shuffle=True, **gzip)),
        ("uint8", rng.integers(0, 256, 20, dtype=np.uint8), dict(chunks=(6,), **gzip)),
        ("chunk_past_data", rng.standard_normal((2, 3)), dict(chunks=(5, 5), maxshape=(None, None), shuffle=True, **gzip)),
        ("fletcher32", rng.standard_normal((6, 4)).astype(np.float32), dict(chunks=(4, 4), fletcher32=True, **gzip)),
    ]


def write_masked(f):
    """A (5, 6) float32 dataset, chunks (2, 3), shuffle then gzip, whose chunks are written raw
    with filter masks that skip nothing, shuffle (bit 0), deflate (bit 1) or both."""
    data = rng.standard_normal((5, 6)).astype(np.float32)
    dset = f.create_dataset("masked", shape=data.shape, dtype=np.float32, chunks=(2, 3), shuffle=True, compression="gzip")
    plist = dset.id.get_create_plist()
    assert [plist.get_filter(i)[0] for i in range(2)] == [h5py.h5z.FILTER_SHUFFLE, h5py.h5z.FILTER_DEFLATE]
    masks = iter([0, 1, 2, 3, 0, 2])
    for row in range(0, 5, 2):
        for column in range(0, 6, 3):
            chunk = np.zeros((2, 3), np.float32)  # the part past the dataset's edge is never read
            part = data[row:row + 2, column:column + 3]
            chunk[:part.shape[0], :part.shape[1]] = part
            raw, mask = chunk.tobytes(), next(masks)
            if not mask & 1:
                raw = np.frombuffer(raw, np.uint8).reshape(-1, 4).T.tobytes()
            if not mask & 2:
                raw = zlib.compress(raw, 6)
            dset.id.write_direct_chunk((row, column), raw, filter_mask=mask)
    assert np.array_equal(dset[()], data), "h5py reads the masked chunks back"


def write_chunked(path, libver):
    """The chunked datasets (and for the earliest format the masked and unallocated ones)."""
    twins = OUT / "chunked_npy"
    twins.mkdir(exist_ok=True)
    with h5py.File(path, "w", libver=libver) as f:
        if libver != "earliest":
            gzip = dict(compression="gzip", shuffle=True)
            data = rng.standard_normal((9, 7)).astype(np.float32)
            f.create_dataset("single_chunk", data=data, chunks=(9, 7), **gzip)
            f.create_dataset("fixed_array", data=data, chunks=(4, 3), **gzip)
            f.create_dataset("extensible_array", data=data, chunks=(4, 3), maxshape=(None, 7), **gzip)
            f.create_dataset("btree_v2", data=data, chunks=(4, 3), maxshape=(None, None), **gzip)
        else:
            for name, array, options in chunked_datasets():
                f.create_dataset(name, data=array, **options)
            write_masked(f)
            # Only the top-left chunk is written: the other five read as the fill value.
            sparse = f.create_dataset("unallocated", shape=(6, 8), dtype=np.float32, chunks=(3, 4),
                                      compression="gzip", fillvalue=-1.5)
            sparse[0:3, 0:4] = np.arange(12, dtype=np.float32).reshape(3, 4)
        for name in f:
            np.save(twins / f"{path.stem}__{name}.npy", f[name][()])


def main():
    OUT.mkdir(exist_ok=True)
    (OUT / "npy").mkdir(exist_ok=True)
    path = OUT / "data.h5"
    with h5py.File(path, "w") as f:
        for name, array, options in numeric_datasets():
            f.create_dataset(name, data=array, **options)
            np.save(OUT / "npy" / (name.replace("/", "__") + ".npy"), f[name][()])
        f.create_dataset("null", data=h5py.Empty("<f4"))
        # h5py returns h5py.Empty for a null dataspace; its twin is the empty 1-D array we read.
        np.save(OUT / "npy" / "null.npy", np.zeros((0,), np.float32))
        write_refused(f)
        f.attrs["version"] = 3
        f["nested"].attrs["units"] = "m"
        f["gzip_shuffle"].attrs["scale"] = np.arange(4, dtype=np.float64)
        listing = []
        f.visititems(lambda name, obj: listing.append(listing_entry(name, obj)) if isinstance(obj, h5py.Dataset) else None)
    listing.sort(key=lambda entry: entry["path"])
    lines = ",\n".join(" " + json.dumps(entry) for entry in listing)
    (OUT / "data_listing.json").write_text("[\n" + lines + "\n]\n")
    write_chunk_choices(OUT / "chunks_scratch.h5")
    whole = path.read_bytes()
    (OUT / "truncated.h5").write_bytes(whole[: len(whole) // 2])
    (OUT / "not_hdf5.h5").write_text("this is a text file, not HDF5\n")
    write_chunked(OUT / "chunked.h5", "earliest")
    write_chunked(OUT / "chunked_v110.h5", ("v110", "v110"))


if __name__ == "__main__":
    main()
