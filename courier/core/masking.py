"""Personal data masked for display (GB/T 41833-2022; ORG-03: customer data only to people who
need it). One style everywhere: the public lookup (tracking), the admin (change lists, change
pages, history), the print views and exports.

- a name keeps its first character: ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``;
- a phone number shows at most its first 3 digits and always hides at least 6, the last 4
  included (they are the public lookup's gate): ``13812345678`` → ``138********``;
- an address keeps the administrative divisions only (province, city, district); the street,
  building and room are replaced by ``****``;
- an e-mail keeps its first character and the domain: ``zhang@example.com`` → ``z****@example.com``.

Who may see a full value is a permission, checked together with an object-level need by the
caller (the admin mixin in ``courier.core.admin.masking``): ``REVEAL_PERMISSION`` (the agent
handling the order, complaint or contact) and ``PRINT_PERMISSION`` (the printing desk, on the
label it prints only). Every reveal is recorded without the value
(``courier.core.services.privacy.personal_data_reveal_record``).

Pure functions: no database.
"""

from __future__ import annotations

import re

MASK = "*"
STREET_MASK = MASK * 4

REVEAL_PERMISSION = "courier.reveal_personal_data"
PRINT_PERMISSION = "courier.print_personal_data"

NAME, PHONE, ADDRESS, EMAIL = "name", "phone", "address", "email"


def mask_name(name: str) -> str:
    """Keep the first character, hide the rest; a one-character name is hidden entirely.

    >>> mask_name("张三"), mask_name("欧阳娜娜"), mask_name("李"), mask_name("")
    ('张*', '欧***', '*', '')
    """
    name = (name or "").strip()
    if len(name) <= 1:
        return MASK * len(name)
    return name[0] + MASK * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Show at most the first 3 digits (a mobile's carrier prefix, or a landline's area code when
    it is 3 digits), hide every other digit, the last 4 included (they are the lookup's gate), and
    always at least 6.

    >>> mask_phone("13812345678"), mask_phone("010-12345678"), mask_phone("0755-1234567")
    ('138********', '010-********', '075*-*******')
    """
    digits = sum(ch.isdigit() for ch in phone or "")
    show = max(0, min(3, digits - 6))  # hidden = digits - show >= 6, the last 4 among them
    out, seen = [], 0
    for ch in phone or "":
        if ch.isdigit():
            out.append(ch if seen < show else MASK)
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_address(province: str, city: str, district: str) -> str:
    """Only the administrative divisions: never street, building, unit or room.

    >>> mask_address("广东省", "深圳市", "南山区"), mask_address("上海市", "上海市", "静安区")
    ('广东省深圳市南山区', '上海市静安区')
    """
    parts = [province or "", city or "", district or ""]
    if parts[0] == parts[1]:  # municipalities: 上海市上海市 → 上海市
        parts[1] = ""
    return "".join(parts)


def mask_street(street: str) -> str:
    """The part of an address below the district is hidden entirely (its length too).

    >>> mask_street("科技园路1号2栋301"), mask_street("")
    ('****', '')
    """
    return STREET_MASK if (street or "").strip() else ""


def mask_email(email: str) -> str:
    """Keep the first character of the local part and the domain.

    >>> mask_email("zhang.san@example.com"), mask_email("x@example.com"), mask_email("nope")
    ('z********@example.com', '*@example.com', 'n***')
    """
    email = (email or "").strip()
    local, at, domain = email.rpartition("@")
    if not at:
        return mask_name(email)
    return mask_name(local) + "@" + domain


MASKERS = {NAME: mask_name, PHONE: mask_phone, ADDRESS: mask_street, EMAIL: mask_email}


def mask(kind: str, value) -> str:
    """Mask ``value`` as a ``kind`` (``NAME``, ``PHONE``, ``ADDRESS`` (below the district) or
    ``EMAIL``).

    >>> mask(NAME, "王小明"), mask(PHONE, "13912345678"), mask(ADDRESS, "中山路8号")
    ('王**', '139********', '****')
    """
    return MASKERS[kind]("" if value is None else str(value))


def full_address(province: str, city: str, district: str, street: str, *, reveal: bool) -> str:
    """An address for a label or a page: in full, or down to the district.

    >>> full_address("广东省", "深圳市", "南山区", "科技园路1号", reveal=False)
    '广东省深圳市南山区****'
    >>> full_address("广东省", "深圳市", "南山区", "科技园路1号", reveal=True)
    '广东省深圳市南山区科技园路1号'
    """
    divisions = mask_address(province, city, district)
    return divisions + (street or "" if reveal else mask_street(street))


_PHONE_IN_TEXT = re.compile(r"(?<![\d*])(?:\+?\d[\d -]{5,}\d)(?![\d*])")


def mask_phones_in_text(text: str) -> str:
    """Mask every phone-like run of 7 or more digits in free text (remarks, notes).

    >>> mask_phones_in_text("新电话: 13998765432, 座机 021-62345678, 订单 12号")
    '新电话: 139********, 座机 021-********, 订单 12号'
    """

    def one(match):
        found = match.group(0)
        return mask_phone(found) if sum(c.isdigit() for c in found) >= 7 else found

    return _PHONE_IN_TEXT.sub(one, text or "")


def may_reveal(user, permission: str = REVEAL_PERMISSION) -> bool:
    """The role part of the decision (the caller adds the object-level need)."""
    return bool(user is not None and user.is_active and user.has_perm(permission))
