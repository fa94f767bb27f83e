"""64-bit row hashes, to count duplicate rows without keeping any row.

Each column gives one uint64 code per row (its value bits, or its position in the batch's
dictionary of distinct values); codes are mixed into a row hash with SplitMix64. Two rows
share a hash when they are equal, and otherwise only by a 64-bit collision (odds about
n²/2⁶⁵: 3·10⁻⁸ for a million rows). Across batches a dictionary position means nothing, so
streamed string columns are coded by a hash of the value instead (``exact=False``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

NULL_CODE = 0x6E756C6C6E756C6C  # "nullnull"


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser over a uint64 array (wrapping arithmetic)."""
    import numpy as np

    x = values ^ (values >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = x ^ (x >> np.uint64(31))
    return mixed


def value_codes(array: pa.Array) -> np.ndarray:
    """uint64 codes of a numeric, boolean or temporal array: the value's bits."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.types as pat

    kind = array.type
    if pat.is_floating(kind) or pat.is_decimal(kind):
        floats = array.cast(pa.float64()).fill_null(0.0).to_numpy(zero_copy_only=False) + 0.0  # -0.0 == 0.0
        codes = floats.view(np.uint64)
    elif pat.is_boolean(kind):
        codes = array.fill_null(False).to_numpy(zero_copy_only=False).astype(np.uint64)
    else:  # integers and temporals: reinterpret as signed ints of the same width
        signed = array.view(getattr(pa, f"int{kind.bit_width}")()).cast(pa.int64())
        codes = signed.fill_null(0).to_numpy(zero_copy_only=False).view(np.uint64)
    return _with_nulls(codes, array)


def dictionary_codes(encoded: pa.DictionaryArray, *, exact: bool) -> np.ndarray:
    """uint64 codes of a dictionary-encoded array: positions (exact) or value hashes."""
    import numpy as np

    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False)
    if exact:
        codes = indices.astype(np.uint64)
    else:
        from pandas.util import hash_array

        codes = hash_array(encoded.dictionary.to_numpy(zero_copy_only=False))[indices]
    return _with_nulls(codes, encoded)


def repr_codes(array: pa.Array) -> np.ndarray:
    """uint64 codes of any other array, from each value's repr (slow; rare types only)."""
    import hashlib

    import numpy as np
    import pyarrow.types as pat

    if pat.is_null(array.type):
        return np.full(len(array), NULL_CODE, dtype=np.uint64)

    digests = (hashlib.blake2b(repr(value).encode(), digest_size=8).digest() for value in array.to_pylist())
    return np.array([int.from_bytes(d, "little") for d in digests], dtype=np.uint64)


def row_hashes(columns: list[np.ndarray]) -> np.ndarray:
    """One hash per row from each column's codes, in column order."""
    import numpy as np

    hashes = mix(columns[0])
    for salt, codes in enumerate(columns[1:], start=1):
        mixed = mix(codes ^ np.uint64(salt))
        hashes = mix(hashes * np.uint64(0x9E3779B97F4A7C15) ^ mixed)
    return hashes


def _with_nulls(codes: np.ndarray, array: pa.Array) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    if array.null_count:
        codes = codes if codes.flags.writeable else codes.copy()
        codes[pc.is_null(array).to_numpy(zero_copy_only=False)] = np.uint64(NULL_CODE)
    return codes
