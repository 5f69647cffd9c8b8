"""Field encryption and blind indexes: ID numbers and counselling notes are stored as ciphertext.

A dump of the database, a backup copied off the server or a SQL console read shows neither
numbers nor notes (个人信息保护法 Art. 51: encryption of sensitive personal information; ID
numbers and a minor's information are sensitive, Art. 28). The keys come from the environment,
never from the database, so the two must be stolen together.

- Values: AES-256-GCM, a random 96-bit nonce per value, stored as text
  `$e1$<key id>$<base64(nonce + ciphertext + tag)>`. The key id (the first 8 hex characters of
  the key's SHA-256) says which of `SHOUHU_FIELD_KEYS` (current first, older after) opens it, so
  keys rotate without a flag day (`shouhu rotate-keys`). "" and None are stored as they are: that
  a parent's number is missing is not a secret, and `exclude(field="")` keeps working.
- Blind index: HMAC-SHA256 of the normalised value under `SHOUHU_INDEX_KEY` (a key of its own),
  truncated, in its own indexed column. Equal numbers give equal indexes, so exact search,
  matching and uniqueness work without decrypting; without the key the index cannot be computed
  from a guessed number (the birth date and village are in clear: an unkeyed hash would fall to
  trying the ~1000 remaining sequence numbers).

A value that does not carry the prefix is read as it is: rows written before encryption, until
the migration or `rotate-keys` rewrites them.
"""
import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shouhu.rules.idcard import normalise_number

PREFIX = "$e1$"
NONCE = 12
INDEX_BYTES = 16  # 128 bits: no two of a county's numbers collide by chance
TAIL_BYTES = 8


class DecryptionError(ValueError):
    pass


def parse_key(text: str) -> bytes:
    """A 32-byte key from its base64 text (what `shouhu make-keys` prints)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError("密钥须为 32 字节的 base64 文本")
    return key


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _ring(texts: tuple[str, ...]) -> tuple[str, AESGCM, dict[str, AESGCM]]:
    if not texts:
        raise ImproperlyConfigured("SHOUHU_FIELD_KEYS 为空")
    try:
        keys = [parse_key(t) for t in texts]
    except ValueError as e:
        raise ImproperlyConfigured(f"SHOUHU_FIELD_KEYS：{e}") from None
    ciphers = {key_id(k): AESGCM(k) for k in reversed(keys)}  # the current key wins an id clash
    current = key_id(keys[0])
    return current, ciphers[current], ciphers


def _keys() -> tuple[str, AESGCM, dict[str, AESGCM]]:
    return _ring(tuple(settings.SHOUHU_FIELD_KEYS))


def current_key_id() -> str:
    return _keys()[0]


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypted_key_id(value: str) -> str | None:
    """The key id a stored value was encrypted under (None: not encrypted)."""
    return value[len(PREFIX):].split("$", 1)[0] if is_encrypted(value) else None


def encrypt(text: str) -> str:
    if not text:
        return text
    kid, cipher, _ = _keys()
    nonce = os.urandom(NONCE)
    blob = nonce + cipher.encrypt(nonce, text.encode(), kid.encode())
    return f"{PREFIX}{kid}${base64.b64encode(blob).decode()}"


def decrypt(value: str | None) -> str | None:
    if not is_encrypted(value):
        return value
    kid, _, body = value[len(PREFIX):].partition("$")
    cipher = _keys()[2].get(kid)
    if cipher is None:
        raise DecryptionError(f"没有编号为 {kid} 的字段密钥（SHOUHU_FIELD_KEYS 缺少旧密钥？）")
    try:
        blob = base64.b64decode(body)
        # the key id is authenticated too: a value cannot be relabelled as another key's
        return cipher.decrypt(blob[:NONCE], blob[NONCE:], kid.encode()).decode()
    except (InvalidTag, ValueError) as e:
        raise DecryptionError("字段密文无法解密（已损坏或密钥不符）") from e


# -- blind indexes ---------------------------------------------------------------------------------
def normalise_id(value: str | None) -> str:
    """An ID number as stored: half-width (NFKC), no spaces, "x" as "X"."""
    return normalise_number(value).upper()


@lru_cache(maxsize=4)
def _index_key(text: str) -> bytes:
    try:
        return parse_key(text)
    except ValueError as e:
        raise ImproperlyConfigured(f"SHOUHU_INDEX_KEY：{e}") from None


def blind(value: str | None, *, purpose: str = "id") -> str | None:
    """The blind index of `value` (None for no value). `purpose` separates index families:
    ID numbers of children and of roster pupils share "id" so the two tables match on it."""
    v = normalise_id(value)
    if not v:
        return None
    mac = hmac.new(_index_key(settings.SHOUHU_INDEX_KEY), f"{purpose}\0{v}".encode(), hashlib.sha256)
    return mac.hexdigest()[:INDEX_BYTES * 2]


def blind_tail(value: str | None, n: int = 4) -> str | None:
    """The index of the last `n` characters (search by the last four digits)."""
    v = normalise_id(value)
    if len(v) < n:
        return None
    mac = hmac.new(_index_key(settings.SHOUHU_INDEX_KEY), f"tail{n}\0{v[-n:]}".encode(), hashlib.sha256)
    return mac.hexdigest()[:TAIL_BYTES * 2]
