"""Words people read: en/zh labels of channels, complaint types, causes, kinds and signals."""

from __future__ import annotations

__all__ = [
    "CAUSE_LABELS",
    "CHANNEL_LABELS",
    "COMPLAINT_TYPE_LABELS",
    "DISTRICT_ZH",
    "EXIT_LABELS",
    "INCIDENT_LABELS",
    "KIND_LABELS",
    "SIGNAL_LABELS",
]

CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "hall": ("service hall", "营业厅"),
    "hotline": ("hotline", "热线"),
    "web": ("website", "网上营业厅"),
    "app": ("app", "手机营业厅"),
    "sms": ("SMS", "短信"),
    "outbound": ("outbound call", "外呼"),
    "wechat": ("WeChat", "微信"),
    "regulator": ("regulator", "工信部申诉"),
    "phone": ("phone", "电话"),
}

COMPLAINT_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "network": ("network", "网络"),
    "billing": ("billing", "计费"),
    "marketing": ("marketing", "营销"),
    "service": ("service", "服务"),
    "other": ("other", "其他"),
}

CAUSE_LABELS: dict[str, tuple[str, str]] = {
    "network": ("network", "网络"),
    "billing": ("billing", "计费"),
    "service": ("service", "服务"),
    "value": ("price/value", "资费价值"),
    "unknown": ("unknown", "不明"),
}

SIGNAL_LABELS: dict[str, tuple[str, str]] = {
    "complaint": ("complaint", "投诉"),
    "low_rating": ("low post-contact rating", "接触后低评价"),
    "low_survey": ("low survey score", "满意度调查低分"),
}

EXIT_LABELS: dict[str, tuple[str, str]] = {
    "churned": ("left the operator", "已离网"),
    "care_resolved": ("care resolved the problem", "关怀已解决问题"),
    "care_good_rating": ("good rating after care", "关怀后评价良好"),
    "care_good_survey": ("good survey answer after care", "关怀后调查高分"),
    "quiet_after_care": ("quiet period after care", "关怀后静默期无新不满"),
}

INCIDENT_LABELS: dict[str, tuple[str, str]] = {
    "network_outage": ("network outage", "网络中断"),
    "network_degradation": ("network degradation", "网络质量下降"),
    "billing_error": ("billing error", "计费差错"),
    "system_failure": ("system failure", "系统故障"),
}

DISTRICT_ZH: dict[str, str] = {
    "dongcheng": "东城区",
    "xicheng": "西城区",
    "chaoyang": "朝阳区",
    "haidian": "海淀区",
    "fengtai": "丰台区",
    "shijingshan": "石景山区",
    "mentougou": "门头沟区",
    "fangshan": "房山区",
    "tongzhou": "通州区",
    "shunyi": "顺义区",
    "changping": "昌平区",
    "daxing": "大兴区",
    "huairou": "怀柔区",
    "pinggu": "平谷区",
    "miyun": "密云区",
    "yanqing": "延庆区",
}

KIND_LABELS: dict[str, tuple[str, str]] = {
    "silent": ("channel-silent", "渠道未接触"),
    "incident_hit": ("incident-hit", "突发事件影响"),
    "model_predicted": ("model-predicted (unknown cause)", "模型预测（不明诱因）"),
}
