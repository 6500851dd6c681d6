"""The hash an unknown email's sign-in verifies against is made with the service's hasher's
parameters: a cheaper one would answer unknown emails faster and tell which emails have
accounts; a costlier one, slower."""

from __future__ import annotations

from argon2 import extract_parameters

from reference_app.auth import service


def test_the_dummy_hash_costs_what_a_password_hash_costs() -> None:
    hasher = service.PRODUCTION_HASHER  # the tests' cheap hasher replaced only `_hasher`
    made_now = extract_parameters(hasher.hash("any password"))
    assert extract_parameters(service._DUMMY_HASH) == made_now
    assert not hasher.check_needs_rehash(service._DUMMY_HASH)
