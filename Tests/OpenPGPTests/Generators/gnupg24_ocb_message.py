"""Builds the message GnuPG 2.3/2.4 writes for recipients announcing the LibrePGP AEAD feature:
version 3 PKESK packets followed by an OCB Encrypted Data packet (tag 20), using AES-OCB from the
Python `cryptography` package.

The PKESK packets are taken unchanged from a message real GnuPG wrote for the same recipients, and
the session key is the one `gpg --show-session-key` printed for it, so the session key encryption is
GnuPG's own. GnuPG 2.4 itself is not available here (GnuPG 2.2 cannot write or read tag 20).

Usage: gnupg24_ocb_message.py GPG_MESSAGE_FILE SESSION_KEY(algo:HEX) PAYLOAD_FILE CHUNK_OCTET
       COMPRESSION(zlib|zip|none) > message.asc
"""

import os
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESOCB3

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openpgp_packets as pgp  # noqa: E402


def ocb_encrypted_data(cipher, key, chunk_octet, plaintext):
    """LibrePGP OCB Encrypted Data packet body: 01 cipher 02 chunk IV, chunks with tags, final tag.
    Nonce for chunk i: IV with its last 8 bytes XORed with i; AAD: D4 01 cipher 02 chunk ‖ i (8 bytes);
    the final tag's AAD adds the total plaintext length (8 bytes)."""
    iv = os.urandom(15)
    header = bytes([1, cipher, 2, chunk_octet])
    chunk_size = 1 << (chunk_octet + 6)
    aead = AESOCB3(key)

    def nonce(index):
        tail = (int.from_bytes(iv[7:], "big") ^ index).to_bytes(8, "big")
        return iv[:7] + tail

    body = bytearray(header + iv)
    index = 0
    for start in range(0, len(plaintext), chunk_size):
        chunk = plaintext[start:start + chunk_size]
        body += aead.encrypt(nonce(index), chunk, b"\xd4" + header + index.to_bytes(8, "big"))
        index += 1
    final_aad = b"\xd4" + header + index.to_bytes(8, "big") + len(plaintext).to_bytes(8, "big")
    body += aead.encrypt(nonce(index), b"", final_aad)
    return bytes(body)


def main():
    message_path, session_key, payload_path, chunk_octet, compression = sys.argv[1:6]
    algorithm, key_hex = session_key.split(":")
    with open(message_path, "rb") as handle:
        gpg_message = handle.read()
    with open(payload_path, "rb") as handle:
        payload = handle.read()
    session_packets = b""
    for tag, _, raw in pgp.split_packets(gpg_message):
        if tag != 1:
            break
        session_packets += raw
    if not session_packets:
        raise SystemExit("the gpg message holds no PKESK packets")
    plaintext = pgp.compressed(pgp.literal_packet(payload), compression)
    body = ocb_encrypted_data(int(algorithm), bytes.fromhex(key_hex), int(chunk_octet), plaintext)
    sys.stdout.write(pgp.armor(session_packets + pgp.new_format_packet(20, body, partial=True)))


if __name__ == "__main__":
    main()
