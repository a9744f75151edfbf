"""Choosing the salesperson of a new lead, free of the ORM.

``pick_user`` receives plain numbers and returns a user id (or ``None`` when every
member is full): the model reads the counts set-based and writes the result.
"""


def pick_user(method, members, open_counts=None, rule_counts=None, max_open=0, last_user_id=None,
              exclude=()):
    """Return the user id that gets the next lead.

    :param method: 'round_robin', 'load' or 'weight'
    :param members: ordered list of ``(user_id, weight)``
    :param open_counts: {user_id: open leads now}, for the cap and for 'load'
    :param rule_counts: {user_id: leads this rule already gave}, for 'weight'
    :param max_open: most open leads a user may hold (0: no cap)
    :param last_user_id: who got the previous lead of this rule (round robin)
    :param exclude: user ids that must not get it (the one who let it sit)
    """
    open_counts = open_counts or {}
    rule_counts = rule_counts or {}
    eligible = [(user_id, weight) for user_id, weight in members
                if user_id not in exclude and weight > 0
                and (not max_open or open_counts.get(user_id, 0) < max_open)]
    if not eligible:
        return None
    if method == "load":
        return min(eligible, key=lambda member: (open_counts.get(member[0], 0), eligible.index(member)))[0]
    if method == "weight":
        # the member furthest below their share gets the lead: lowest given / weight
        return min(eligible, key=lambda member: ((rule_counts.get(member[0], 0) + 1.0) / member[1],
                                                 eligible.index(member)))[0]
    ids = [user_id for user_id, _weight in members]
    if last_user_id in ids:
        start = ids.index(last_user_id) + 1
        order = ids[start:] + ids[:start]
    else:
        order = ids
    eligible_ids = {user_id for user_id, _weight in eligible}
    for user_id in order:
        if user_id in eligible_ids:
            return user_id
    return None


def matches_zip(zip_code, prefixes):
    """True when ``zip_code`` starts with one of the comma-separated ``prefixes``
    (no prefix: any zip)."""
    wanted = [prefix.strip().upper() for prefix in (prefixes or "").split(",") if prefix.strip()]
    if not wanted:
        return True
    code = (zip_code or "").replace(" ", "").upper()
    return any(code.startswith(prefix.replace(" ", "")) for prefix in wanted)
