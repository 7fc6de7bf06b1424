"""Writes testdata/safetensors/ and testdata/signature/ (safetensors==0.8.0, numpy==2.4.6,
h5py==3.16.0, pinned in requirements.txt; run from anywhere).

safetensors/*.safetensors    files the real `safetensors` package wrote (`save_file`, or
                             `serialize` for dtypes NumPy lacks) or that it reads (a few written
                             by hand as other writers do: no header padding, pretty JSON, tensors
                             out of offset order, `"__metadata__": null`)
  dtypes.safetensors         every dtype with a NumPy twin: F64 F32 F16 I64 I32 I16 I8 U64 U32
                             U16 U8 BOOL, with extremes, NaN, ±inf, -0.0; metadata
  names.safetensors          names with dots (encoder.0.weight), a colon and a slash
                             (dense/kernel:0), a 0-d tensor, empty tensors (0, 3) and (0,)
  bf16.safetensors           a BF16 tensor beside an F32 one (tl-run refuses BF16 by name)
  f8.safetensors             an F8_E4M3 tensor beside an I8 one
  unpadded, pretty, null-metadata .safetensors   written by hand; the package reads each
safetensors/expected/STEM/K.npy   np.save of what `safetensors.numpy.load_file` gives for
                             tensor K of STEM (manifest.json maps names to these files)
safetensors/bad/*.safetensors     hostile files written by hand, one fault each (overlapping
                             offsets, offsets past the end, a huge header length, wrong sizes,
                             duplicate names, non-UTF-8, holes, trailing bytes, bad JSON, …)
safetensors/manifest.json    per file: what the package does with it ("ok" or its error) and,
                             for files it reads, each tensor's dtype, shape and twin
signature/                   HDF5 files under other names, written by h5py: matlab.mat (a MATLAB
                             v7.3-like file: a 512-byte user block holding MATLAB's header text,
                             datasets with MATLAB_class attributes, matrices stored transposed as
                             MATLAB does), netcdf.nc (netCDF-4-like: dimension scales, a
                             never-written dimension dataset, _NCProperties), userblock.bin (a
                             2048-byte user block), v5.mat (a MATLAB v5 header, not HDF5);
                             signature/expected/STEM__PATH.npy, h5py's read of each dataset

Deterministic: fixed values, no timestamps (h5py's track_times is off by default), one
metadata key per file (the package writes metadata from a hash map, in no fixed order).
"""

import json
import os
import struct

import h5py
import numpy as np
import safetensors
from safetensors import TensorSpec, serialize
from safetensors.numpy import load_file, save_file

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "safetensors")
SIGNATURE = os.path.join(ROOT, "signature")
assert safetensors.__version__ == "0.8.0", safetensors.__version__
assert np.__version__ == "2.4.6", np.__version__


def dtype_tensors():
    """One tensor per dtype, holding its extremes (and NaN, ±inf, -0.0 for floats)."""
    tensors = {}
    for name in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
        info = np.iinfo(name)
        tensors[name] = np.array([[info.min, info.max, 0], [1, 2, info.max - 1]], dtype=name)
    for name in ["float16", "float32", "float64"]:
        info = np.finfo(name)
        values = [info.min, info.max, info.tiny, -0.0, np.nan, np.inf, -np.inf, 1.5]
        tensors[name] = np.array(values, dtype=name).reshape(2, 4)
    tensors["bool"] = np.array([[True, False, True]])
    return tensors


def name_tensors():
    rng = np.random.default_rng(20)
    return {
        "encoder.0.weight": rng.standard_normal((3, 2)).astype(np.float32),
        "encoder.0.bias": rng.standard_normal(3).astype(np.float32),
        "dense/kernel:0": rng.standard_normal((2, 2)),
        "scalar": np.array(-2.5, np.float32),
        "empty": np.zeros((0, 3), np.float64),
        "empty1d": np.zeros((0,), np.int32),
    }


def spec_file(path, specs):
    """Writes tensors of dtypes NumPy lacks through the package's own `serialize`."""
    keep = []
    flat = {}
    for name, (dtype, shape, raw) in specs.items():
        buffer = np.frombuffer(raw, np.uint8).copy()
        keep.append(buffer)
        flat[name] = TensorSpec(dtype=dtype, shape=shape, data_ptr=buffer.ctypes.data, data_len=buffer.nbytes)
    with open(path, "wb") as f:
        f.write(bytes(serialize(flat)))


def raw_file(path, header, data=b"", length=None, pad=True):
    """A file written by hand: the 8-byte length (or `length`), the header, the data."""
    body = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    if pad:
        body += b" " * (-len(body) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(body) if length is None else length) + body + data)


def f32(name, begin, end, shape=None):
    return {name: {"dtype": "F32", "shape": shape or [(end - begin) // 4], "data_offsets": [begin, end]}}


def good_files():
    save_file(dtype_tensors(), os.path.join(OUT, "dtypes.safetensors"), metadata={"format": "np"})
    save_file(name_tensors(), os.path.join(OUT, "names.safetensors"), metadata={"source": "gen_safetensors.py"})
    bf16 = np.array([1.0, -2.0, 0.5], np.float32).view(np.uint32) >> 16  # truncated to bfloat16
    spec_file(os.path.join(OUT, "bf16.safetensors"), {
        "w_bf16": ("bfloat16", [3], bf16.astype("<u2").tobytes()),
        "w_f32": ("float32", [2], np.array([1.0, 2.0], "<f4").tobytes()),
    })
    spec_file(os.path.join(OUT, "f8.safetensors"), {
        "q": ("float8_e4m3fn", [2, 2], bytes([0x38, 0x40, 0xB8, 0x00])),
        "scale": ("int8", [1], bytes([3])),
    })
    data = np.arange(3, dtype="<f4").tobytes() + np.array([7], "<i2").tobytes()
    header = {"b": {"dtype": "I16", "shape": [1], "data_offsets": [12, 14]},
              "a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}}
    raw_file(os.path.join(OUT, "unpadded.safetensors"), header, data, pad=False)
    pretty = json.dumps({"__metadata__": {"k": "v"}, **header}, indent=2).encode() + b"\n"
    raw_file(os.path.join(OUT, "pretty.safetensors"), pretty, data, pad=False)
    raw_file(os.path.join(OUT, "null-metadata.safetensors"), {"__metadata__": None, **header}, data)


def bad_files():
    """One fault each: (file, header, data, length override)."""
    four = np.ones(1, "<f4").tobytes()
    eight = np.ones(2, "<f4").tobytes()
    items = {
        "overlap": ({**f32("a", 0, 8), **f32("b", 4, 12)}, bytes(12)),
        "past-end": (f32("a", 0, 8), four),
        "header-huge": ({}, b"", 1 << 62),
        "header-too-large": ({}, b"", 100_000_001),
        "header-past-end": ({}, b"", 1000),
        "wrong-size": (f32("a", 0, 20, shape=[2, 3]), bytes(20)),
        "duplicate": (b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                      b'"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four),
        "not-utf8": (b'{"a\xff":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four),
        "hole": ({**f32("a", 0, 4), **f32("b", 8, 12)}, bytes(12)),
        "hole-at-start": (f32("a", 4, 8), eight),
        "trailing": (f32("a", 0, 4), four + b"xyz"),
        "unknown-dtype": ({"a": {"dtype": "Q8", "shape": [1], "data_offsets": [0, 1]}}, b"\0"),
        "negative-shape": (b'{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', four),
        "float-shape": (b'{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', four),
        "overflow-shape": ({"a": {"dtype": "F32", "shape": [1 << 32, 1 << 32, 4], "data_offsets": [0, 0]}}, b""),
        "huge-offset": (b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}', four),
        "trailing-comma": (b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}', four),
        "truncated-json": (b'{"a":{"dtype":"F32","shape":[1],"data_of', four),
        "lone-surrogate": (b'{"\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four),
        "raw-control": (b'{"a\x01":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four),
        "metadata-not-string": ({"__metadata__": {"k": 1}, **f32("a", 0, 4)}, four),
        "unknown-key": ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "order": "F"}}, four),
        "missing-key": ({"a": {"dtype": "F32", "shape": [1]}}, b""),
        "three-offsets": ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}, four),
        "begin-after-end": ({**f32("a", 0, 4), "b": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}}, eight),
        "not-object": (b"[]", b""),
        "sub-byte": ({"a": {"dtype": "F4", "shape": [3], "data_offsets": [0, 1]}}, b"\0"),
    }
    os.makedirs(os.path.join(OUT, "bad"), exist_ok=True)
    for name, item in items.items():
        header, data, *length = item
        raw_file(os.path.join(OUT, "bad", name + ".safetensors"), header, data, length[0] if length else None)
    with open(os.path.join(OUT, "bad", "short.safetensors"), "wb") as f:
        f.write(b"\x10\0\0\0\0")
    with open(os.path.join(OUT, "bad", "npy-magic.safetensors"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (), }" + b" " * 50)


def package_verdict(path):
    """What `safetensors.numpy.load_file` does with the file: its tensors, or its error."""
    try:
        return load_file(path), "ok"
    except Exception as error:  # the package raises SafetensorError, numpy TypeError…
        return None, f"{type(error).__name__}: {error}"


def manifest():
    files = {}
    for folder in ["", "bad"]:
        for name in sorted(os.listdir(os.path.join(OUT, folder))):
            if not name.endswith(".safetensors"):
                continue
            relative = os.path.join(folder, name) if folder else name
            tensors, verdict = package_verdict(os.path.join(OUT, relative))
            entry = {"package": verdict}
            if tensors is not None and not folder:
                stem = name[: -len(".safetensors")]
                os.makedirs(os.path.join(OUT, "expected", stem), exist_ok=True)
                entry["tensors"] = {}
                for k, key in enumerate(sorted(tensors)):
                    twin = f"expected/{stem}/{k}.npy"
                    np.save(os.path.join(OUT, twin), tensors[key])
                    entry["tensors"][key] = {"dtype": str(tensors[key].dtype), "shape": list(tensors[key].shape),
                                             "npy": twin}
            files[relative] = entry
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"safetensors": safetensors.__version__, "numpy": np.__version__, "files": files}, f, indent=1)
        f.write("\n")


def matlab_header(text):
    """MATLAB's 128-byte file header: 116 bytes of text, 8 of subsystem offset, version, 'IM'."""
    return text.encode().ljust(116, b" ") + bytes(8) + b"\x00\x02IM"


def signature_files():
    os.makedirs(os.path.join(SIGNATURE, "expected"), exist_ok=True)
    mat = os.path.join(SIGNATURE, "matlab.mat")
    with h5py.File(mat, "w", userblock_size=512) as f:
        # MATLAB keeps a 2×3 matrix [1 2 3; 4 5 6] column-major: HDF5 sees it as 3×2.
        a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        f.create_dataset("A", data=a.T)
        f.create_dataset("v", data=np.array([[1.5, -2.5, 3.5]]))  # the column vector [1.5; -2.5; 3.5]
        f.create_dataset("n", data=np.array([[42]], np.int32))
        f.create_dataset("flag", data=np.array([[1, 0]], np.uint8))
        for name, kind in [("A", "double"), ("v", "double"), ("n", "int32"), ("flag", "logical")]:
            f[name].attrs["MATLAB_class"] = np.bytes_(kind)
        f["flag"].attrs["MATLAB_int_decode"] = np.int32(1)
    with open(mat, "r+b") as f:
        f.write(matlab_header("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 "
                              "HDF5 schema 1.00 ."))
    with h5py.File(os.path.join(SIGNATURE, "netcdf.nc"), "w", track_order=True) as f:
        f.attrs["_NCProperties"] = np.bytes_("version=2,netcdf=4.9.2,hdf5=1.14.3")
        time = f.create_dataset("time", data=np.arange(4.0))
        time.make_scale("time")
        f.create_dataset("x", shape=(3,), dtype="f4")  # a dimension without a variable: never written
        f["x"].make_scale("This is a netCDF dimension but not a netCDF variable         3")
        temperature = f.create_dataset("temperature", data=np.arange(12, dtype=np.float32).reshape(4, 3) / 4)
        temperature.dims[0].attach_scale(time)
        temperature.dims[1].attach_scale(f["x"])
        temperature.attrs["units"] = np.bytes_("K")
    with h5py.File(os.path.join(SIGNATURE, "userblock.bin"), "w", userblock_size=2048) as f:
        f.create_dataset("g/w", data=np.array([[1, -2], [3, -4]], np.int16))
    with open(os.path.join(SIGNATURE, "v5.mat"), "wb") as f:
        f.write(matlab_header("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026")
                + bytes(64))
    for stem, ext in [("matlab", "mat"), ("netcdf", "nc"), ("userblock", "bin")]:
        with h5py.File(os.path.join(SIGNATURE, f"{stem}.{ext}"), "r") as f:
            def save(path, item):
                if isinstance(item, h5py.Dataset):
                    np.save(os.path.join(SIGNATURE, "expected", f"{stem}__{path.replace('/', '__')}.npy"), item[()])
            f.visititems(save)


def main():
    os.makedirs(OUT, exist_ok=True)
    good_files()
    bad_files()
    manifest()
    signature_files()


if __name__ == "__main__":
    main()
