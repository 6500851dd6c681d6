"""The scenarios' admin sign-in, done once on the master (or the single local process) before
any user starts. The reference service locks an email's sign-ins for the rest of a 15-minute
window after 5 failures: a wrong password must fail here, once, never in every user."""

from __future__ import annotations

from harness.api_client import BookingApi
from harness.target import Target


def admin_headers(target: Target) -> dict[str, str]:
    """A bearer token's header from one sign-in; {} without admin credentials; ValueError
    (the run's setup error) when the sign-in is refused."""
    if not target.has_admin:
        return {}
    assert target.admin_email is not None and target.admin_password is not None
    with BookingApi(target.base_url, timeout=30) as api:
        login = api.login(target.admin_email, target.admin_password)
    if login.status_code != 200:
        raise ValueError(
            f"admin sign-in for {target.admin_email} refused ({login.status_code} {login.text[:200]}); "
            "no user signs in after it"
        )
    return {"Authorization": f"Bearer {login.json()['token']}"}
