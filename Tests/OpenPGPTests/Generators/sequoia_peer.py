"""Sequoia (PyPI `pysequoia`) as a test peer: generates keys and encrypts with them, printing JSON.

  sequoia_peer.py encrypt PROFILE SUITE RECIPIENTS PAYLOAD_HEX
      Generates RECIPIENTS keys (PROFILE rfc9580 = v6 keys, rfc4880 = v4 keys; SUITE cv25519, p256,
      p384, p521, rsa2k, rsa3k) and encrypts the payload to all of them with Sequoia's own encryptor
      (which writes PKESK v6 + SEIPD v2, AES-256-OCB). Prints
      {"keys": [armored TSK...], "binary_keys": [base64...], "fingerprints": [...], "message": armored}.

  sequoia_peer.py seipd2 MODE CHUNK_OCTET COMPRESSION PAYLOAD_HEX
      pysequoia cannot choose the AEAD mode (it always writes OCB), so this assembles a message for a
      Sequoia-generated v6 X25519 key by hand: a v6 PKESK (X25519, HKDF-SHA256, AES-128 key wrap) and
      a SEIPD v2 packet with MODE (gcm or ocb) and CHUNK_OCTET, using the `cryptography` package.
      Sequoia then decrypts it as an independent check. Prints
      {"key": armored TSK, "message": armored, "sequoia_plaintext_hex": ... or null, "sequoia_error": ...}.
"""

import base64
import hashlib
import json
import os
import sys

import pysequoia
from cryptography.hazmat.primitives import hashes, keywrap
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESOCB3
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openpgp_packets as pgp  # noqa: E402

api = pysequoia.pysequoia
SUITES = {
    "cv25519": api.CipherSuite.Cv25519,
    "p256": api.CipherSuite.P256,
    "p384": api.CipherSuite.P384,
    "p521": api.CipherSuite.P521,
    "rsa2k": api.CipherSuite.RSA2k,
    "rsa3k": api.CipherSuite.RSA3k,
}
PROFILES = {"rfc9580": api.Profile.RFC9580, "rfc4880": api.Profile.RFC4880}


def encrypt(profile, suite, recipients, payload):
    keys = [
        api.Tsk.generate(f"Sequoia {index} <sequoia{index}@example.invalid>", profile=PROFILES[profile],
                         cipher_suite=SUITES[suite])
        for index in range(recipients)
    ]
    certificates = [key.extract_certificate() for key in keys]
    message = api.encrypt(payload, recipients=certificates)
    return {
        "keys": [str(key) for key in keys],
        "binary_keys": [base64.b64encode(bytes(key)).decode() for key in keys],
        "fingerprints": [certificate.fingerprint.upper() for certificate in certificates],
        "message": message.decode() if isinstance(message, bytes) else message,
    }


def seipd2(mode, chunk_octet, compression, payload):
    key = api.Tsk.generate("Sequoia v6 <v6@example.invalid>", profile=api.Profile.RFC9580,
                           cipher_suite=api.CipherSuite.Cv25519)
    subkey = next(packet for packet in api.packet.PacketPile.from_bytes(bytes(key.extract_certificate()))
                  if str(packet.tag) == "Tag.PublicSubkey" and str(packet.key_algorithm) == "PublicKeyAlgorithm.X25519")
    body = subkey.body
    assert body[0] == 6 and body[5] == 25 and int.from_bytes(body[6:10], "big") == 32
    recipient_public = body[10:42]
    fingerprint = hashlib.sha256(b"\x9b" + len(body).to_bytes(4, "big") + body).digest()
    assert fingerprint.hex() == subkey.fingerprint

    # v6 PKESK, X25519 (RFC 9580 section 5.1.6): HKDF-SHA256(ephemeral ‖ recipient ‖ shared, "OpenPGP X25519").
    session_key = os.urandom(32)
    ephemeral = x25519.X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(x25519.X25519PublicKey.from_public_bytes(recipient_public))
    kek = HKDF(algorithm=hashes.SHA256(), length=16, salt=None, info=b"OpenPGP X25519").derive(
        ephemeral_public + recipient_public + shared)
    wrapped = keywrap.aes_key_wrap(kek, session_key)
    pkesk = bytes([6, 33, 6]) + fingerprint + bytes([25]) + ephemeral_public + bytes([len(wrapped)]) + wrapped

    # v2 SEIPD (RFC 9580 section 5.13.2), AES-256.
    cipher, mode_id = 9, {"ocb": 2, "gcm": 3}[mode]
    nonce_length = {"ocb": 15, "gcm": 12}[mode]
    salt = os.urandom(32)
    info = bytes([0xD2, 2, cipher, mode_id, chunk_octet])
    derived = HKDF(algorithm=hashes.SHA256(), length=32 + nonce_length - 8, salt=salt, info=info).derive(session_key)
    message_key, iv = derived[:32], derived[32:]
    aead = AESGCM(message_key) if mode == "gcm" else AESOCB3(message_key)
    plaintext = pgp.compressed(pgp.literal_packet(payload), compression) + padding_packet()
    chunk_size = 1 << (chunk_octet + 6)
    encrypted = bytearray(bytes([2, cipher, mode_id, chunk_octet]) + salt)
    index = 0
    for start in range(0, len(plaintext), chunk_size):
        encrypted += aead.encrypt(iv + index.to_bytes(8, "big"), plaintext[start:start + chunk_size], info)
        index += 1
    encrypted += aead.encrypt(iv + index.to_bytes(8, "big"), b"", info + len(plaintext).to_bytes(8, "big"))
    message = pgp.new_format_packet(1, pkesk) + pgp.new_format_packet(18, bytes(encrypted), partial=True)
    armored = pgp.armor(message, checksum=False)

    result = {"key": str(key), "message": armored, "sequoia_plaintext_hex": None, "sequoia_error": None}
    try:
        decrypted = api.decrypt(armored.encode(), decryptor=key.decryptor())
        result["sequoia_plaintext_hex"] = decrypted.bytes.hex()
    except Exception as error:  # reported to the Swift test, which fails on it
        result["sequoia_error"] = str(error)
    return result


def padding_packet():
    return pgp.new_format_packet(21, os.urandom(16))


def main():
    command = sys.argv[1]
    if command == "encrypt":
        profile, suite, recipients, payload_hex = sys.argv[2:6]
        output = encrypt(profile, suite, int(recipients), bytes.fromhex(payload_hex))
    elif command == "seipd2":
        mode, chunk_octet, compression, payload_hex = sys.argv[2:6]
        output = seipd2(mode, int(chunk_octet), compression, bytes.fromhex(payload_hex))
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    main()
