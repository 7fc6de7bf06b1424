"""Writes the .npy/.npz fixtures for TLFormatsTests (run from anywhere; numpy==2.4.6).

testdata/npy/       every dtype x byte order (<, >, |) x layout (C 2-D, Fortran 2-D, Fortran 3-D),
                    header versions 1.0/2.0/3.0, hand-written headers (double quotes, other key
                    order, `(3, )`, newlines), unaligned and 16-aligned headers, 0-d, empty,
                    1-D, high-rank; manifest.json gives each file's dtype, shape, flat C-order
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


def save(name, array, native=False):
    np.save(os.path.join(NPY, name), array)
    record(NPY, name, array, np_save_native=native)


def write_raw(name, header_text, array, prefix_len_fmt="<H", version=(1, 0)):
    """A file with a hand-written header dict text (no padding added) and C-order data."""
    raw = header_text.encode("latin1")
    blob = npformat.magic(*version) + struct.pack(prefix_len_fmt, len(raw)) + raw
    with open(os.path.join(NPY, name), "wb") as f:
        f.write(blob + np.ascontiguousarray(array).tobytes())
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
            save(f"{name}-{tag}-c2.npy", a2.astype(dt), native)
            save(f"{name}-{tag}-f2.npy", np.asfortranarray(a2.astype(dt)))
            save(f"{name}-{tag}-f3.npy", np.asfortranarray(a3.astype(dt)))


def shape_variants():
    a = values("float64", 12, seed=7)
    save("scalar-f8.npy", np.array(a[5]), True)
    save("scalar-i8.npy", np.array(values("int64", 1, seed=8)[0]), True)
    save("empty-0x3-f4.npy", np.zeros((0, 3), np.float32), True)
    save("empty-0-u2.npy", np.zeros((0,), np.uint16), True)
    save("vector-i4.npy", values("int32", 7, seed=9), True)
    save("cube-f2.npy", values("float16", 24, seed=10).reshape(2, 3, 4), True)
    save("rank32-f8.npy", values("float64", 6, seed=11).reshape([1] * 30 + [2, 3]), True)
    save("big-first-axis-u1.npy", np.arange(1000, dtype=np.uint8).reshape(1000, 1), True)


def version_variants():
    a = values("float32", 12, seed=12).reshape(3, 4)
    for major in (2, 3):
        name = f"v{major}-f4.npy"
        with open(os.path.join(NPY, name), "wb") as f:
            npformat.write_array(f, a, version=(major, 0))
        record(NPY, name, a)


def header_variants():
    a = values("float64", 3, seed=13)
    body = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
    write_raw("hand-double-quotes.npy", '{"descr": "<f8", "fortran_order": False, "shape": (3,)}\n', a)
    write_raw("hand-key-order.npy", "{'shape': (3, ), 'fortran_order': False, 'descr': '<f8'}\n", a)
    write_raw("hand-newlines.npy", "{\n  'descr' : '<f8' ,\n  'fortran_order':False,\n  'shape':(3 ,),\n}\n", a)
    write_raw("unaligned.npy", body + "\n", a)
    pad = 16 - (10 + len(body) + 1) % 16
    write_raw("aligned16.npy", body + " " * pad + "\n", a)
    b = values("int16", 6, seed=14).reshape(2, 3)
    write_raw("hand-big-endian-no-prefix-pad.npy", "{'descr':'>i2','fortran_order':False,'shape':(2,3)}",
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
        os.makedirs(d, exist_ok=True)
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
