"""MS-OVBA compression (the run-length scheme VBA uses for module source and the dir stream).

Why our own: ``ms_ovba_compression`` 1.0.1, which ``ms-ovba`` uses, garbles input longer
than about 1,000 bytes (oletools then reads back corrupt VBA; see
tests/excel/test_build.py). This follows [MS-OVBA] 2.4.1.3.6-2.4.1.3.10 directly and is
checked against oletools' independent decompressor.
"""

from __future__ import annotations

CHUNK = 4096


def _copytoken_help(difference: int) -> tuple[int, int, int]:
    """(length_mask, offset_mask, maximum_length) for a position ``difference`` bytes into the chunk."""
    bit_count = max((difference - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return length_mask, (~length_mask) & 0xFFFF, length_mask + 3


def _match(data: bytes, start: int, pos: int, end: int) -> tuple[int, int]:
    """Longest earlier match (offset, length) for ``data[pos:]`` inside the chunk; length < 3 = none."""
    _, _, max_len = _copytoken_help(pos - start)
    best_len = 0
    best_off = 0
    limit = min(max_len, end - pos)
    if limit < 3:
        return 0, 0
    candidate = pos - 1
    while candidate >= start:
        length = 0
        while length < limit and data[candidate + length] == data[pos + length]:
            length += 1
        if length > best_len:
            best_len, best_off = length, pos - candidate
            if length == limit:
                break
        candidate -= 1
    return best_off, best_len


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    out = bytearray()
    pos = start
    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            offset, length = _match(data, start, pos, end)
            if length >= 3:
                length_mask, _, _ = _copytoken_help(pos - start)
                bit_count = 16 - length_mask.bit_length()
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                pos += length
            else:
                out.append(data[pos])
                pos += 1
        out[flag_index] = flags
    if len(out) > CHUNK:  # did not compress: a raw chunk (4096 bytes, padded if short)
        raw = data[start:end] + b"\x00" * (CHUNK - (end - start))
        return (0x3FFF & 0x0FFF | 0x3000).to_bytes(2, "little") + raw
    header = ((len(out) + 2 - 3) & 0x0FFF) | 0x3000 | 0x8000
    return header.to_bytes(2, "little") + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer: signature byte 0x01, then one chunk per 4,096 input bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data, start, min(start + CHUNK, len(data)))
    return bytes(out)
