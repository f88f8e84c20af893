"""Encryption at rest for ID numbers and phone numbers, and keyed hashes for looking them up.

A stored value is `<cipher>$<key id>$<base64(nonce ‖ ciphertext ‖ tag)>`. The cipher is AES-256-GCM
or, where a deployment requires national algorithms, SM4-GCM (setting ZHICUN_CIPHER). Keys come
from ZHICUN_DATA_KEYS ("id:base64key,…", the first encrypts, all decrypt), so keys can be rotated
and old values re-encrypted (manage.py rotate_data_keys). Equality lookups use an HMAC-SHA256
"blind index" with its own key (ZHICUN_INDEX_KEY).
"""

import base64
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIXES = ("aes$", "sm4$")


class DecryptionError(Exception):
    pass


@cache
def _keys() -> tuple[str, dict[str, bytes]]:
    entries = []
    for item in settings.ZHICUN_DATA_KEYS:
        key_id, _, b64 = item.partition(":")
        key = base64.b64decode(b64)
        if not key_id or len(key) != 32:
            raise ImproperlyConfigured("ZHICUN_DATA_KEYS 的每一项应为 “编号:base64(32 字节密钥)”")
        entries.append((key_id, key))
    if not entries:
        raise ImproperlyConfigured("未配置 ZHICUN_DATA_KEYS")
    return entries[0][0], dict(entries)


@cache
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key)


def _aes(key: bytes, nonce: bytes, data: bytes, decrypt: bool) -> bytes:
    aead = _aesgcm(key)
    return aead.decrypt(nonce, data, None) if decrypt else aead.encrypt(nonce, data, None)


def _sm4(key: bytes, nonce: bytes, data: bytes, decrypt: bool) -> bytes:
    key = key[:16]  # SM4 takes a 128-bit key
    if decrypt:
        body, tag = data[:-16], data[-16:]
        d = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        return d.update(body) + d.finalize()
    e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    return e.update(data) + e.finalize() + e.tag


CIPHERS = {"aes": _aes, "sm4": _sm4}


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIXES)


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    cipher = settings.ZHICUN_CIPHER
    key_id, keys = _keys()
    nonce = os.urandom(12)
    data = CIPHERS[cipher](keys[key_id], nonce, plain.encode(), False)
    return f"{cipher}${key_id}${base64.b64encode(nonce + data).decode()}"


def encrypt_many(plains: list[str]) -> list[str]:
    """`encrypt` for many values, the cipher and key set up once. Each value still has a fresh
    nonce of its own: all of them are drawn from the system in one call."""
    cipher = settings.ZHICUN_CIPHER
    key_id, keys = _keys()
    key = keys[key_id]
    if cipher == "aes":
        aead = _aesgcm(key)

        def seal(nonce: bytes, data: bytes) -> bytes:
            return aead.encrypt(nonce, data, None)
    else:

        def seal(nonce: bytes, data: bytes) -> bytes:
            return CIPHERS[cipher](key, nonce, data, False)

    nonces = os.urandom(12 * len(plains))
    prefix = f"{cipher}${key_id}$"
    out = []
    for i, plain in enumerate(plains):
        if not plain:
            out.append("")
            continue
        nonce = nonces[12 * i : 12 * i + 12]
        out.append(prefix + base64.b64encode(nonce + seal(nonce, plain.encode())).decode())
    return out


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    try:
        cipher, key_id, b64 = stored.split("$", 2)
        raw = base64.b64decode(b64)
        key = _keys()[1][key_id]
        return CIPHERS[cipher](key, raw[:12], raw[12:], True).decode()
    except (ValueError, KeyError) as e:
        raise DecryptionError("无法解密存储的敏感信息（密钥不匹配？）") from e
    except Exception as e:  # InvalidTag and friends
        raise DecryptionError("无法解密存储的敏感信息（数据被篡改或密钥不匹配）") from e


def needs_rotation(stored: str) -> bool:
    if not stored:
        return False
    cipher, key_id, _ = stored.split("$", 2)
    return cipher != settings.ZHICUN_CIPHER or key_id != _keys()[0]


def blind_index(plain: str) -> str:
    """Keyed hash for equality lookups and uniqueness; empty stays empty."""
    if not plain:
        return ""
    key = settings.ZHICUN_INDEX_KEY.encode()
    return hmac.digest(key, plain.encode(), "sha256").hex()


def blind_indexes(plains: list[str]) -> list[str]:
    """`blind_index` for many values, the key read once."""
    key = settings.ZHICUN_INDEX_KEY.encode()
    digest = hmac.digest
    return [digest(key, p.encode(), "sha256").hex() if p else "" for p in plains]
