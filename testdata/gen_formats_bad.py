"""Writes testdata/bad/: one tiny malformed .npy or .npz per fault (called by gen_formats.py)."""

import io
import os
import struct
import zipfile

import numpy as np


def main(bad, npz):
    def npy(name, header, data=b"", major=1, raw=None):
        if raw is None:
            h = header.encode("latin1")
            fmt = "<H" if major == 1 else "<I"
            raw = b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, len(h)) + h + data
        with open(os.path.join(bad, name), "wb") as f:
            f.write(raw)

    ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"
    npy("empty.npy", "", raw=b"")
    npy("short-magic.npy", "", raw=b"\x93NUM")
    npy("short-preamble.npy", "", raw=b"\x93NUMPY\x01\x00\x10")
    npy("zip.npy", "", raw=open(os.path.join(npz, "stored.npz"), "rb").read()[:64])
    npy("pickle.npy", "", raw=b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94.")
    npy("text.npy", "", raw=b"hello world, not numpy\n")
    npy("version-4.npy", ok, major=4)
    npy("version-1-1.npy", "", raw=b"\x93NUMPY\x01\x01\x10\x00" + ok.encode())
    npy("header-past-end.npy", "", raw=b"\x93NUMPY\x01\x00" + struct.pack("<H", 9000) + ok.encode())
    npy("header-past-end-v2.npy", "", raw=b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + ok.encode())
    npy("not-dict.npy", "('<f4', False, (2,))\n", b"\0" * 8)
    npy("not-literal.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': os.system}\n")
    npy("missing-key.npy", "{'descr': '<f4', 'shape': (2,)}\n", b"\0" * 8)
    npy("duplicate-key.npy", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\n", b"\0" * 8)
    npy("unknown-key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}\n", b"\0" * 8)
    npy("fortran-not-bool.npy", "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}\n", b"\0" * 8)
    npy("shape-list.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}\n", b"\0" * 8)
    npy("shape-negative.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}\n", b"\0" * 8)
    npy("shape-float.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}\n", b"\0" * 8)
    npy("shape-overflow.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}\n")
    npy("shape-huge-int.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}\n")
    npy("data-too-short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,)}\n", b"\0" * 12)
    npy("truncated-data.npy", ok, b"\0" * 5)
    for name, descr in [("object", "|O"), ("complex", "<c16"), ("bytes", "|S5"), ("unicode", "<U3"),
                        ("datetime", "<M8[ns]"), ("timedelta", "<m8[s]"), ("void", "|V8"),
                        ("longdouble", "<f16"), ("unknown", "<x4")]:
        npy(f"dtype-{name}.npy", "{'descr': '%s', 'fortran_order': False, 'shape': (1,)}\n" % descr, b"\0" * 16)
    npy("dtype-structured.npy", "{'descr': [('x', '<i4'), ('y', '<f8')], 'fortran_order': False, 'shape': (1,)}\n",
        b"\0" * 12)
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    npy("pickled-object.npy", "", raw=buf.getvalue())

    stored = open(os.path.join(npz, "stored.npz"), "rb").read()
    with open(os.path.join(bad, "truncated.npz"), "wb") as f:
        f.write(stored[: len(stored) // 2])
    with zipfile.ZipFile(io.BytesIO(stored)) as z:
        info = z.getinfo("W.npy")
    # The W member's data starts after its local header (30 bytes + name + extra).
    name_len, extra_len = struct.unpack("<HH", stored[info.header_offset + 26: info.header_offset + 30])
    data_start = info.header_offset + 30 + name_len + extra_len
    corrupt = bytearray(stored)
    corrupt[data_start + info.file_size - 1] ^= 0xFF  # last byte of W's data
    with open(os.path.join(bad, "crc.npz"), "wb") as f:
        f.write(bytes(corrupt))
    with zipfile.ZipFile(os.path.join(bad, "member-not-npy.npz"), "w") as z:
        z.writestr("W.npy", b"this is not an npy file")
    with open(os.path.join(bad, "not-zip.npz"), "wb") as f:
        f.write(b"\x93NUMPY not a zip at all")
