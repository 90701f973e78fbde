"""Vocabulary of the grid closed loop (R9): categories, channels, priorities, ratings.

Codes are English (API, events); labels are zh-CN (what officials and residents see).
"""

from __future__ import annotations

from domain.errors import RuleViolation

CATEGORIES: dict[str, str] = {
    "heating": "供暖",
    "gas_connection": "天然气入户",
    "parking": "车辆乱停",
    "noise": "噪音扰民",
    "thrown_objects": "高楼抛物",
    "cleaning": "环境卫生",
    "repairs": "维修",
    "greenery": "绿化",
    "security": "安全",
    "fees": "物业收费",
    "other": "其他",
}

# R15: Dikou Road's "5651" rapid-response mechanism covers these categories.
RAPID_CATEGORIES = ("parking", "noise", "thrown_objects")

CHANNELS: dict[str, str] = {
    "grid_worker": "网格员采集",
    "service_window": "服务窗口",
    "hotline": "热线",
    "resident": "居民自报",
    "collection_point": "采集站点",
    "open311": "Open311 接口",
}

PRIORITIES: dict[str, str] = {"normal": "一般", "urgent": "紧急"}

RATINGS: dict[str, str] = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
}
POSITIVE_RATINGS = ("satisfied", "basically_satisfied")

STATES: dict[str, str] = {
    "reported": "已上报",
    "accepted": "已受理",
    "referred_out": "已转出",
    "handling": "处置中",
    "handled": "已处置",
    "feedback_given": "已反馈",
    "reopened": "已重办",
    "closed": "已办结",
    "duplicate": "重复件",
}
OPEN_STATES = ("reported", "accepted", "handling", "handled", "feedback_given", "reopened")

STAGES = ("accept", "handle", "feedback")

MAX_DESCRIPTION = 2000


def check_code(value: str, vocabulary: dict[str, str], field: str) -> str:
    if value not in vocabulary:
        allowed = ", ".join(vocabulary)
        raise RuleViolation(f"unknown {field} {value!r} (one of {allowed})", field=field)
    return value


def mask_phone(contact: str | None) -> str | None:
    """138****1234 for phone numbers; other contacts keep their first and last character."""
    if not contact:
        return None
    text = contact.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(text) <= 2:
        return "*" * len(text)
    return f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}"
