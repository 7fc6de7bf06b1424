"""Writes the .npy/.npz fixtures for TLFormatsTests (run from anywhere; numpy==2.4.6).

testdata/npy/       c_order/DTYPE.npy (np.save, native), big_endian/DTYPE.npy, fortran/DTYPE[-be].npy
                    (2-D), fortran_3d/DTYPE[-be].npy for the 12 dtypes; versions/ (header 2.0,
                    3.0); headers/ (double quotes, other key order, `(3, )`, newlines, comments,
                    unaligned and 16-aligned, trailing bytes); shapes/ (0-d, empty, 1-D, 3-D,
                    rank 32); manifest.json gives each file's dtype, shape, flat C-order
                    values (as Python repr strings, so int64 and NaN survive) and whether the
                    file is exactly what np.save writes on a little-endian machine.
testdata/npz/       np.savez (stored), np.savez_compressed (deflated), and an archive written to
                    a non-seekable stream (data descriptors); manifest.json lists members in
                    archive order with their values.
testdata/bad/       one tiny malformed file per fault the readers must report.
"""

import io
import json
import os
import shutil
import struct
import time
import zipfile

import numpy as np
from numpy.lib import format as npformat

ROOT = os.path.dirname(os.path.abspath(__file__))
NPY, NPZ, BAD = (os.path.join(ROOT, d) for d in ("npy", "npz", "bad"))
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]


def values(dtype, n, seed):
    """n deterministic values of dtype, with the extremes that catch byte-order bugs first."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        special = [info.min, info.max, 0, 1] + ([-1] if dt.kind == "i" else [])
        rest = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        out = np.array(special + list(rest), dtype=dt)[:n]
        return out
    info = np.finfo(dt)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, info.max, info.smallest_subnormal, -1.5]
    rest = rng.standard_normal(n).astype(dt) * 100
    return np.array(special + list(rest), dtype=dt)[:n]


def text(x):
    """The value as a string Swift parses exactly: repr of a Python int/float/bool."""
    return repr(x.item()) if not isinstance(x.item(), float) else repr(float(x))


MANIFEST = []


def record(directory, name, array, np_save_native=False, **extra):
    flat = np.ascontiguousarray(array).reshape(-1)
    entry = {"file": name, "dtype": str(array.dtype.newbyteorder("=")), "shape": list(array.shape),
             "values": [text(v) for v in flat], "np_save_native": np_save_native}
    entry.update(extra)
    MANIFEST.append(entry)


def path(name):
    """The path of `name` under testdata/npy, creating its subdirectory."""
    full = os.path.join(NPY, name)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def save(name, array, native=False):
    np.save(path(name), array)
    record(NPY, name, array, np_save_native=native)


def write_raw(name, header_text, array, fortran=False):
    """A version 1.0 file with a hand-written header dict text (no padding added) and the data
    in C order, or in Fortran order when `fortran`."""
    raw = header_text.encode("latin1")
    blob = npformat.magic(1, 0) + struct.pack("<H", len(raw)) + raw
    with open(path(name), "wb") as f:
        f.write(blob + array.tobytes(order="F" if fortran else "C"))
    check = np.load(os.path.join(NPY, name))
    assert check.dtype == array.dtype and np.array_equal(check, array, equal_nan=True), name
    record(NPY, name, array)


def dtype_variants():
    for i, name in enumerate(DTYPES):
        a2 = values(name, 12, seed=i).reshape(3, 4)
        a3 = values(name, 24, seed=100 + i).reshape(2, 3, 4)
        orders = ["|"] if np.dtype(name).itemsize == 1 else ["<", ">"]
        for order in orders:
            tag = {"<": "le", ">": "be", "|": "na"}[order]
            dt = np.dtype(name).newbyteorder(order) if order != "|" else np.dtype(name)
            native = order != ">"
            suffix = "" if native else "-be"
            save(f"{'c_order' if native else 'big_endian'}/{name}.npy", a2.astype(dt), native)
            save(f"fortran/{name}{suffix}.npy", np.asfortranarray(a2.astype(dt)))
            save(f"fortran_3d/{name}{suffix}.npy", np.asfortranarray(a3.astype(dt)))


def shape_variants():
    a = values("float64", 12, seed=7)
    save("shapes/scalar-f8.npy", np.array(a[5]), True)
    save("shapes/scalar-i8.npy", np.array(values("int64", 1, seed=8)[0]), True)
    save("shapes/empty-0x3-f4.npy", np.zeros((0, 3), np.float32), True)
    save("shapes/empty-0-u2.npy", np.zeros((0,), np.uint16), True)
    save("shapes/vector-i4.npy", values("int32", 7, seed=9), True)
    save("shapes/cube-f2.npy", values("float16", 24, seed=10).reshape(2, 3, 4), True)
    save("shapes/rank32-f8.npy", values("float64", 6, seed=11).reshape([1] * 30 + [2, 3]), True)
    save("shapes/big-first-axis-u1.npy", np.arange(1000, dtype=np.uint8).reshape(1000, 1), True)


def version_variants():
    a = values("float32", 12, seed=12).reshape(3, 4)
    for major in (2, 3):
        name = f"versions/v{major}-f4.npy"
        with open(path(name), "wb") as f:
            npformat.write_array(f, a, version=(major, 0))
        record(NPY, name, a)


def header_variants():
    a = values("float64", 3, seed=13)
    body = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
    write_raw("headers/hand-double-quotes.npy", '{"descr": "<f8", "fortran_order": False, "shape": (3,)}\n', a)
    write_raw("headers/hand-key-order.npy", "{'shape': (3, ), 'fortran_order': False, 'descr': '<f8'}\n", a)
    write_raw("headers/hand-newlines.npy", "{\n  'descr' : '<f8' ,\n  'fortran_order':False,\n  'shape':(3 ,),\n}\n", a)
    write_raw("headers/unaligned.npy", body + "\n", a)
    pad = 16 - (10 + len(body) + 1) % 16
    write_raw("headers/aligned16.npy", body + " " * pad + "\n", a)
    write_raw("headers/hand-comment-prefix-strings.npy",
              "{u'descr': '<' 'f8', # a comment\n 'fortran_order': False, 'shape': (0x3,),}  \n", a)
    c = values("uint32", 6, seed=15).reshape(2, 3)
    write_raw("headers/hand-fortran-big-endian.npy", "{'descr': '>u4', 'fortran_order': True, 'shape': (2, 3)}\n",
              c.astype(">u4"), fortran=True)
    np.save(path("headers/trailing-bytes.npy"), a)
    with open(os.path.join(NPY, "headers/trailing-bytes.npy"), "ab") as f:
        f.write(b"extra bytes NumPy ignores")
    record(NPY, "headers/trailing-bytes.npy", a)
    b = values("int16", 6, seed=14).reshape(2, 3)
    write_raw("headers/hand-big-endian-no-prefix-pad.npy", "{'descr':'>i2','fortran_order':False,'shape':(2,3)}",
              b.astype(">i2"))


def npz_files():
    members = {"W": values("float32", 12, seed=20).reshape(3, 4),
               "b": values("float32", 4, seed=21),
               "idx": values("int64", 5, seed=22),
               "scalar": np.array(values("float64", 1, seed=23)[0]),
               "empty": np.zeros((0, 2), np.int8),
               "Wx": np.asfortranarray(values("float64", 6, seed=24).reshape(2, 3)).astype(">f8")}
    np.savez(os.path.join(NPZ, "stored.npz"), **members)
    np.savez_compressed(os.path.join(NPZ, "deflated.npz"), **members)
    np.savez(os.path.join(NPZ, "positional.npz"), members["W"], members["b"])

    class Unseekable:
        """A write-only stream without tell/seek, so zipfile writes data descriptors."""
        def __init__(self):
            self.buffer = io.BytesIO()

        def write(self, data):
            return self.buffer.write(data)

        def flush(self):
            pass

        def read(self, *args):  # np.savez treats objects with `read` as files, not paths
            raise io.UnsupportedOperation("write-only")

    stream = Unseekable()
    np.savez_compressed(stream, **members)
    with open(os.path.join(NPZ, "streamed.npz"), "wb") as f:
        f.write(stream.buffer.getvalue())
    with zipfile.ZipFile(os.path.join(NPZ, "streamed.npz")) as z:
        assert all(info.flag_bits & 0x08 for info in z.infolist()), "no data descriptors"
    listing = []
    for name in ("stored.npz", "deflated.npz", "streamed.npz", "positional.npz"):
        with np.load(os.path.join(NPZ, name)) as z:
            listing.append({"file": name, "members": [
                {"name": k, "dtype": str(z[k].dtype.newbyteorder("=")), "shape": list(z[k].shape),
                 "values": [text(v) for v in np.ascontiguousarray(z[k]).reshape(-1)]}
                for k in z.files]})
    dump(os.path.join(NPZ, "manifest.json"), listing)


def dump(path, entries):
    """JSON with one entry a line: small diffs when a fixture changes."""
    with open(path, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(e) for e in entries) + "\n]\n")


def main():
    # Zip members carry a timestamp: pin it so regenerating gives the same bytes.
    os.environ["TZ"] = "UTC"
    time.tzset()
    time.time = lambda: 1_700_000_000.0
    for d in (NPY, NPZ, BAD):
        shutil.rmtree(d, ignore_errors=True)  # no stale files from an older layout
        os.makedirs(d)
    dtype_variants()
    shape_variants()
    version_variants()
    header_variants()
    dump(os.path.join(NPY, "manifest.json"), MANIFEST)
    npz_files()
    import gen_formats_bad
    gen_formats_bad.main(BAD, NPZ)


if __name__ == "__main__":
    main()
