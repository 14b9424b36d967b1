"""Response standards shipped with Kefu, encoding the regulations; administrators edit them afterwards."""

# (name, position, conditions, targets [(metric, minutes, business_time)], extra policy fields)
DEFAULT_POLICIES = [
    (
        "紧急事项限时处理",
        10,
        {"priority": 1},
        [("first_response", 10, False), ("resolution", 240, False)],
        {"manager_after_breach_minutes": 30},
    ),
    (
        "投诉:立即受理,约定回复时间",
        20,
        {"type": "complaint"},
        [("first_response", 30, True), ("resolution", 1440, True)],
        {"promised_reply_required": True},
    ),
    ("在线咨询:1分钟内响应", 30, {"channel": "online"}, [("first_response", 1, True), ("resolution", 480, True)], {}),
    ("报修:及时派工", 40, {"type": "repair"}, [("first_response", 30, True), ("resolution", 480, True)], {}),
    ("默认服务标准", 1000, {}, [("first_response", 240, True), ("resolution", 1440, True)], {}),
]


def install_default_policies(policy_model, target_model, event_model, user_model) -> int:
    """Create the shipped policies when none exist. Takes model classes so the migration can pass historical ones."""
    if policy_model.objects.exists():
        return 0
    system, _ = user_model.objects.get_or_create(
        username="system",
        defaults={"display_name": "系统", "role": "admin", "is_active": False, "is_system": True, "password": "!"},
    )
    for name, position, conditions, targets, extra in DEFAULT_POLICIES:
        policy = policy_model.objects.create(name=name, position=position, **conditions, **extra)
        for metric, minutes, business in targets:
            target_model.objects.create(
                policy=policy,
                metric=metric,
                minutes=minutes,
                business_time=business,
                pause_statuses=["awaiting_customer"] if metric == "resolution" else [],
            )
        event_model.objects.create(
            policy=policy,
            version=1,
            actor=system,
            event_type="policy_created",
            new={"name": name, "shipped_default": True},
            note="shipped default",
        )
    return len(DEFAULT_POLICIES)
