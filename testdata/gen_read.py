"""Writes testdata/read/: files NumPy and h5py read (or refuse) that tl-run must read the same way,
never dropping an array silently (numpy==2.4.6, h5py==3.16.0; run from anywhere).

read/expected/NAME.npy   the arrays the archives below hold, written by np.save (the tests read them
                         with the .npy reader and compare values, dtypes and shapes)
read/base.npz            np.savez(W=, b=, idx=)
read/damaged-header.npz  base.npz with member b's local header signature PK\\x03\\x04 -> XX\\x03\\x04
read/prefixed.npz        64 bytes of junk, then base.npz (zipfile corrects the offsets and reads it;
                         np.load sniffs the first bytes and refuses it as a pickle)
read/zip64-end*.npz      base.npz with ZIP64 end records (end record fields 0xFFFF...), and with junk
                         before it
read/lzma.npz            members written by zipfile with ZIP_LZMA; bzip2.npz with ZIP_BZIP2
read/zstd.npz            base.npz with b's method patched to 93 (zstandard), which zipfile refuses
read/duplicate.npz       two central-directory entries W.npy (np.load reads the last), and b.npy
read/subdir.npz          a directory entry sub/, members sub/W.npy and b.npy
read/names.npz           kernel:0.npy (a Keras variable name), x.NPY (a .npy under another
                         extension: NumPy reads it as array 'x.NPY'), notes.txt (not an array)
read/python2*.npy        headers Python 2 wrote: 'shape': (2L, 3L) in versions 1.0, 2.0 (NumPy
                         reads them) and 3.0 (NumPy refuses)
read/links.h5            datasets W, g/b, a second hard link g/hard_W to W, a second hard link g2 to
                         group g, soft links soft_b (to g/b) and soft_g (to g), a named datatype t
read/dangling.h5         W and a soft link g/dangling to /nowhere
read/external*.h5        an external link to links.h5:/W, to a missing file, to the group links.h5:/g
read/collide.h5          a root dataset 'a.b' and a dataset /a/b: both are result name a.b
read/strings.h5          a float dataset beside a fixed-length string and a compound dataset
"""

import io
import os
import shutil
import struct
import warnings
import zipfile

import numpy as np

ROOT = os.path.dirname(os.path.abspath(__file__))
READ = os.path.join(ROOT, "read")


def arrays():
    rng = np.random.default_rng(20260)
    return {
        "W": rng.standard_normal((2, 3)).astype(np.float32),
        "b": rng.standard_normal(3),
        "idx": rng.integers(-50, 50, 4, dtype=np.int64),
    }


def npy_bytes(a):
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def fixed_zip(path_or_buf, members, compression=zipfile.ZIP_STORED):
    """A zip whose members all carry one fixed timestamp, so the bytes never change."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path_or_buf, "w", compression=compression) as z:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = compression
                z.writestr(info, data)


def write(name, data):
    with open(os.path.join(READ, name), "wb") as f:
        f.write(data)


def raises(call):
    try:
        call()
    except Exception:
        return True
    return False


def gen_npz(a):
    members = [(k + ".npy", npy_bytes(v)) for k, v in a.items()]
    buf = io.BytesIO()
    fixed_zip(buf, members)
    base = buf.getvalue()
    write("base.npz", base)

    with zipfile.ZipFile(io.BytesIO(base)) as z:
        offset = z.getinfo("b.npy").header_offset
    damaged = bytearray(base)
    assert damaged[offset:offset + 4] == b"PK\x03\x04"
    damaged[offset:offset + 2] = b"XX"
    write("damaged-header.npz", bytes(damaged))
    with np.load(io.BytesIO(bytes(damaged))) as f:  # W reads, b raises, as tl-run does
        assert f.files == ["W", "b", "idx"] and (f["W"] == a["W"]).all()
        assert raises(lambda: f["b"])

    prefixed = bytes(range(64)) + base
    write("prefixed.npz", prefixed)
    # np.load sniffs the first bytes and takes this for a pickle; zipfile, and NumPy's own
    # NpzFile over it, read it.
    assert raises(lambda: np.load(io.BytesIO(prefixed)))
    with np.lib.npyio.NpzFile(io.BytesIO(prefixed)) as f:
        assert all((f[k] == v).all() for k, v in a.items())

    # ZIP64 end records (zipfile writes them only past 65,535 members or 4 GiB), alone and with
    # junk before the archive: zipfile's offset correction then subtracts their 76 bytes too.
    count, size_cd, offset_cd = struct.unpack_from("<HII", base, len(base) - 22 + 10)
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size_cd, offset_cd)
    locator = struct.pack("<IIQI", 0x07064B50, 0, len(base) - 22, 1)
    end = bytearray(base[-22:])
    struct.pack_into("<HHII", end, 8, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    zip64 = base[:-22] + record + locator + bytes(end)
    write("zip64-end.npz", zip64)
    write("zip64-end-prefixed.npz", bytes(range(64)) + zip64)
    for data in (zip64, bytes(range(64)) + zip64):
        with np.lib.npyio.NpzFile(io.BytesIO(data)) as f:
            assert all((f[k] == v).all() for k, v in a.items())

    for name, method in [("lzma.npz", zipfile.ZIP_LZMA), ("bzip2.npz", zipfile.ZIP_BZIP2)]:
        buf = io.BytesIO()
        fixed_zip(buf, members, compression=method)
        write(name, buf.getvalue())
        with np.load(io.BytesIO(buf.getvalue())) as f:
            assert all((f[k] == v).all() and f[k].dtype == v.dtype for k, v in a.items())

    # Method 93 in b's local and central headers: zipfile raises NotImplementedError.
    zstd = bytearray(base)
    struct.pack_into("<H", zstd, offset + 8, 93)
    directory = struct.unpack_from("<I", zstd, len(zstd) - 22 + 16)[0]
    at = directory
    while zstd[at:at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", zstd, at + 28)
        if zstd[at + 46:at + 46 + name_len] == b"b.npy":
            struct.pack_into("<H", zstd, at + 10, 93)
        at += 46 + name_len + extra_len + comment_len
    write("zstd.npz", bytes(zstd))
    with np.load(io.BytesIO(bytes(zstd))) as f:
        assert raises(lambda: f["b"])

    buf = io.BytesIO()
    fixed_zip(buf, [("W.npy", npy_bytes(a["W"])), ("b.npy", npy_bytes(a["b"])),
                    ("W.npy", npy_bytes(a["W"] * 2))])
    write("duplicate.npz", buf.getvalue())
    with np.load(io.BytesIO(buf.getvalue())) as f:  # the last W wins, silently
        assert f.files == ["W", "b", "W"] and (f["W"] == a["W"] * 2).all()

    buf = io.BytesIO()
    fixed_zip(buf, [("sub/", b""), ("sub/W.npy", npy_bytes(a["W"])), ("b.npy", npy_bytes(a["b"]))])
    write("subdir.npz", buf.getvalue())
    with np.load(io.BytesIO(buf.getvalue())) as f:
        assert (f["sub/W"] == a["W"]).all()

    buf = io.BytesIO()
    fixed_zip(buf, [("kernel:0.npy", npy_bytes(a["W"])), ("x.NPY", npy_bytes(a["idx"])),
                    ("notes.txt", b"not an array\n")])
    write("names.npz", buf.getvalue())
    with np.load(io.BytesIO(buf.getvalue())) as f:
        assert f.files == ["kernel:0", "x.NPY", "notes.txt"]
        assert (f["kernel:0"] == a["W"]).all() and (f["x.NPY"] == a["idx"]).all()
        assert f["notes.txt"] == b"not an array\n"


def gen_python2():
    data = np.arange(6, dtype="<f8").tobytes()
    for name, major, header, payload in [
        ("python2-v1.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", data),
        ("python2-v2.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", data),
        ("python2-1d.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }", data[:16]),
        ("python2-spaced.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0x2 L,), }",
         data[:16]),
        ("python2-v3.npy", 3, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", data),
        ("python2-lower.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2l,), }",
         data[:16]),
    ]:
        h = (header + " " * (118 - len(header)) + "\n").encode("latin1")
        fmt = "<H" if major == 1 else "<I"
        raw = b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, len(h)) + h + payload
        write(name, raw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            refused = raises(lambda: np.load(io.BytesIO(raw)))
        assert refused == (major == 3 or "2l" in header), name


def gen_hdf5(a):
    import h5py

    def path(name):
        return os.path.join(READ, name)

    with h5py.File(path("links.h5"), "w") as f:
        f["W"] = a["W"]
        g = f.create_group("g")
        g["b"] = a["b"]
        g["hard_W"] = f["W"]  # a hard link: the same dataset under a second name
        f["g2"] = g  # a second hard link to the group
        f["soft_b"] = h5py.SoftLink("/g/b")  # a soft link to a dataset
        f["soft_g"] = h5py.SoftLink("/g")  # a soft link to a group
        f["t"] = np.dtype("<f8")  # a named (committed) datatype: not a dataset

    with h5py.File(path("dangling.h5"), "w") as f:
        f["W"] = a["W"]
        f["g/dangling"] = h5py.SoftLink("/nowhere")

    with h5py.File(path("external.h5"), "w") as f:
        f["idx"] = a["idx"]
        f["ext"] = h5py.ExternalLink("links.h5", "/W")
    with h5py.File(path("external-missing.h5"), "w") as f:
        f["idx"] = a["idx"]
        f["ext"] = h5py.ExternalLink("no-such-file.h5", "/W")
    with h5py.File(path("external-group.h5"), "w") as f:
        f["idx"] = a["idx"]
        f["ext"] = h5py.ExternalLink("links.h5", "/g")

    with h5py.File(path("collide.h5"), "w") as f:
        f["a.b"] = a["b"]
        f["a/b"] = a["b"] * 2

    with h5py.File(path("strings.h5"), "w") as f:
        f["W"] = a["W"]
        f["names"] = np.array([b"alpha", b"beta"], dtype="S5")
        f["pairs"] = np.array([(1, 2.5)], dtype=[("i", "<i4"), ("x", "<f8")])


def main():
    if os.path.isdir(READ):
        shutil.rmtree(READ)
    os.makedirs(os.path.join(READ, "expected"))
    a = arrays()
    for k, v in a.items():
        np.save(os.path.join(READ, "expected", k + ".npy"), v)
    gen_npz(a)
    gen_python2()
    gen_hdf5(a)


if __name__ == "__main__":
    main()
