#!/usr/bin/env python3
"""Writes the small .npy/.npz fixtures for ArrayFormatsTests (run from anywhere; needs numpy).

Every array is derived from `base` below, so the Swift tests know the expected values:
base = arange(24) reshaped to (2, 3, 4), i.e. element [i, j, k] = 12*i + 4*j + k in C order.
"""
import io
import os
import zipfile

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
base = np.arange(24).reshape(2, 3, 4)


def path(name):
    return os.path.join(HERE, name)


def save_version(name, array, version):
    with open(path(name), "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=True)


# One file per supported dtype, C order, little-endian where it matters.
for dtype in ["u1", "i1", "i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8"]:
    np.save(path(f"base_{dtype}.npy"), base.astype("<" + dtype))
np.save(path("base_bool.npy"), (base % 3 == 0))

# Byte order, memory order and header versions.
np.save(path("big_endian_f4.npy"), base.astype(">f4"))
np.save(path("big_endian_i8.npy"), base.astype(">i8"))
np.save(path("fortran_f4.npy"), np.asfortranarray(base.astype("<f4")))
np.save(path("fortran_big_endian_i2.npy"), np.asfortranarray(base.astype(">i2")))
save_version("v2_f4.npy", base.astype("<f4"), (2, 0))
save_version("v3_f4.npy", base.astype("<f4"), (3, 0))
np.save(path("scalar_f8.npy"), np.float64(2.5))
np.save(path("empty_f4.npy"), np.zeros((0, 3), dtype="<f4"))

# Float arrays for integers() and firstNonFinite().
np.save(path("labels_as_f8.npy"), np.array([3.0, 0.0, 17.0, 45.0]))
np.save(path("non_integral_f8.npy"), np.array([1.0, 2.0, 2.5, 4.0]))
np.save(path("nan_f4.npy"), np.array([[0, 1, 2], [3, np.nan, 5]], dtype="<f4"))
np.save(path("inf_fortran_f8.npy"), np.asfortranarray(np.array([[0, 1, 2], [3, 4, np.inf]])))

# Refused on purpose: a pickled object array, a structured dtype, a unicode dtype.
np.save(path("object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save(path("structured.npy"), np.zeros(3, dtype=[("x", "<f4"), ("y", "<i4")]))
np.save(path("unicode.npy"), np.array(["seven", "two"]))

# Archives: stored and deflated, each holding two arrays.
images = base.astype("u1")
labels = np.array([7, 11], dtype="<i8")
np.savez(path("stored.npz"), images=images, labels=labels)
np.savez_compressed(path("compressed.npz"), images=images, labels=labels)

# numpy's archives already carry zip64 local headers (savez opens members with force_zip64); members
# over 4 GiB also put zip64 fields in the central directory and a zip64 end record. Lowering
# zipfile's limits makes it write all of those for a tiny archive.
zipfile.ZIP64_LIMIT = 64
zipfile.ZIP_FILECOUNT_LIMIT = 1
with zipfile.ZipFile(path("zip64.npz"), "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
    for name, array in [("images", images), ("labels", labels)]:
        with archive.open(name + ".npy", "w", force_zip64=True) as member:
            npformat.write_array(member, array)
