"""Minimal OpenPGP packet framing and armor for the test generators (RFC 9580 section 4.2 and 6)."""

import base64
import zlib


def new_format_packet(tag, body, partial=False):
    """A packet with an OpenPGP-format header; with partial=True the body is split into 512-byte
    partial body chunks the way streaming writers (GnuPG) frame encrypted data."""
    header = bytes([0xC0 | tag])
    if not partial or len(body) < 1024:
        return header + length_octets(len(body)) + body
    out = bytearray(header)
    position = 0
    while len(body) - position > 512:
        out += bytes([0xE0 | 9]) + body[position:position + 512]
        position += 512
    out += length_octets(len(body) - position) + body[position:]
    return bytes(out)


def length_octets(length):
    if length < 192:
        return bytes([length])
    if length < 8384:
        length -= 192
        return bytes([(length >> 8) + 192, length & 0xFF])
    return b"\xff" + length.to_bytes(4, "big")


def legacy_indeterminate_packet(tag, body):
    """A legacy-format packet with indeterminate length (how GnuPG frames compressed data)."""
    return bytes([0x80 | (tag << 2) | 3]) + body


def split_packets(data):
    """Yields (tag, body, raw bytes) of each top-level packet of a binary message, lazily, so a
    caller can stop before a packet with partial body lengths (which this reader does not handle)."""
    position = 0
    while position < len(data):
        start = position
        header = data[position]
        position += 1
        if header & 0x40:
            tag = header & 0x3F
            first = data[position]
            if first < 192:
                length, position = first, position + 1
            elif first < 224:
                length, position = ((first - 192) << 8) + data[position + 1] + 192, position + 2
            elif first == 255:
                length, position = int.from_bytes(data[position + 1:position + 5], "big"), position + 5
            else:
                yield tag, None, None  # partial body lengths: not read; callers stop here
                return
        else:
            tag = (header >> 2) & 0x0F
            kind = header & 3
            if kind == 3:
                length = len(data) - position
            else:
                size = [1, 2, 4][kind]
                length = int.from_bytes(data[position:position + size], "big")
                position += size
        yield tag, data[position:position + length], data[start:position + length]
        position += length


def literal_packet(payload, name=b""):
    body = b"b" + bytes([len(name)]) + name + b"\x00\x00\x00\x00" + payload
    return new_format_packet(11, body)


def compressed(inner, algorithm):
    """The plaintext packet sequence: `inner` as is, or wrapped in a Compressed Data packet."""
    if algorithm == "none":
        return inner
    if algorithm == "zlib":
        return legacy_indeterminate_packet(8, b"\x02" + zlib.compress(inner))
    if algorithm == "zip":
        deflate = zlib.compressobj(wbits=-15)
        return legacy_indeterminate_packet(8, b"\x01" + deflate.compress(inner) + deflate.flush())
    raise ValueError(algorithm)


def crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x864CFB
    return crc & 0xFFFFFF


def armor(data, checksum=True):
    text = base64.b64encode(data).decode()
    lines = ["-----BEGIN PGP MESSAGE-----", ""]
    lines += [text[i:i + 64] for i in range(0, len(text), 64)]
    if checksum:
        lines.append("=" + base64.b64encode(crc24(data).to_bytes(3, "big")).decode())
    lines.append("-----END PGP MESSAGE-----")
    return "\n".join(lines) + "\n"
