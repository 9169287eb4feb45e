"""The raw signature operations the benchmarks measure their work against.

One RSA-2048 and one ECDSA P-256 key made at run time, a 1 KiB message and a
signature of it by each: ``raw_operations()`` gives each operation as a callable
(rsa2048_sign, rsa2048_verify, p256_sign, p256_verify), the yardstick that
bench/packets.py and bench/registry.py time in the same run as their own work.
"""

from __future__ import annotations

import os
from collections.abc import Callable


def raw_operations() -> dict[str, Callable[[], object]]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    message = os.urandom(1024)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pkcs1, ecdsa = padding.PKCS1v15(), ec.ECDSA(hashes.SHA256())
    rsa_sig = rsa_key.sign(message, pkcs1, hashes.SHA256())
    ec_sig = ec_key.sign(message, ecdsa)
    rsa_pub, ec_pub = rsa_key.public_key(), ec_key.public_key()
    return {
        "rsa2048_sign": lambda: rsa_key.sign(message, pkcs1, hashes.SHA256()),
        "rsa2048_verify": lambda: rsa_pub.verify(
            rsa_sig, message, pkcs1, hashes.SHA256()
        ),
        "p256_sign": lambda: ec_key.sign(message, ecdsa),
        "p256_verify": lambda: ec_pub.verify(ec_sig, message, ecdsa),
    }
