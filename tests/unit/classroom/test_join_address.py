"""The join address: a loopback page address is replaced by this machine's network address (chosen from a made-up
interface table: no test looks at, or sends anything over, the real network); ONESHOT_PUBLIC_URL wins."""

from __future__ import annotations

import pytest

from lab.classroom.join_address import (choose_network_address, class_page_url, is_loopback, join_address,
                                        network_address, students_join_address)

LAPTOP = {"lo": (True, ["127.0.0.1"]), "docker0": (True, ["172.17.0.1"]), "wlan0": (True, ["192.168.1.23"]),
          "eth0": (False, ["10.0.0.5"]), "vboxnet0": (True, ["192.168.56.1"])}


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ["localhost", "127.0.0.1", "127.5.5.5", "::1", "[::1]", "0.0.0.0", "app.localhost"]))
    assert not any(map(is_loopback, ["192.168.1.23", "lab.example.org", "10.0.0.5", ""]))


def test_the_room_network_address_is_chosen_from_interfaces_that_are_up() -> None:
    assert choose_network_address(LAPTOP) == "192.168.1.23"  # not docker's bridge, not a VM's, not a cable unplugged
    assert choose_network_address({"lo": (True, ["127.0.0.1"]), "en0": (True, ["169.254.3.4"])}) is None
    assert choose_network_address({"lo": (True, ["127.0.0.1"])}) is None
    assert choose_network_address({"en0": (True, ["10.1.2.3", "fe80::1"]), "en1": (True, ["192.168.0.9"])}) \
        == "192.168.0.9"  # a home-style network before a campus one
    assert choose_network_address({"en0": (True, ["203.0.113.7"])}) == "203.0.113.7"  # a public address will do


def test_a_loopback_page_gets_the_network_address_with_its_port_and_scheme() -> None:
    found = join_address("http://localhost:8501/class?class=X&host=1", "AB3K7Q", None, "192.168.1.23")
    assert (found.url, found.source) == ("http://192.168.1.23:8501/class?class=AB3K7Q", "network")
    found = join_address("https://127.0.0.1/", "AB3K7Q", "", "10.0.0.5")
    assert found.url == "https://10.0.0.5/class?class=AB3K7Q"


def test_without_a_network_address_the_loopback_address_is_flagged() -> None:
    found = join_address("http://localhost:8501/class", "AB3K7Q", None, None)
    assert found.source == "loopback" and not found.reachable


def test_a_page_opened_at_a_real_address_keeps_it() -> None:
    found = join_address("http://192.168.1.23:8501/class?class=X&host=1", "AB3K7Q", None, "10.9.9.9")
    assert (found.url, found.source) == ("http://192.168.1.23:8501/class?class=AB3K7Q", "page")


def test_the_public_url_wins_and_keeps_its_path() -> None:
    found = join_address("http://localhost:8501/class", "AB3K7Q", "https://lab.example.org/oneshot/", "192.168.1.2")
    assert (found.url, found.source) == ("https://lab.example.org/oneshot/class?class=AB3K7Q", "public")
    assert class_page_url("https://lab.example.org/class", "X") == "https://lab.example.org/class?class=X"


def test_the_environment_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESHOT_PUBLIC_URL", "https://class.example.org")
    assert students_join_address("http://localhost:8501/class", "AB3K7Q").url == \
        "https://class.example.org/class?class=AB3K7Q"
    monkeypatch.delenv("ONESHOT_PUBLIC_URL")
    found = students_join_address("http://localhost:8501/class", "AB3K7Q")
    assert found.source in ("network", "loopback")  # whatever this machine has; read from its interfaces only
    assert found.url.endswith(":8501/class?class=AB3K7Q")


def test_this_machine_network_address_is_not_loopback() -> None:
    found = network_address()
    assert found is None or not is_loopback(found)


def test_an_unknown_page_address_is_treated_as_this_machine() -> None:
    assert join_address("", "AB3K7Q", None, "192.168.1.23").url == "http://192.168.1.23/class?class=AB3K7Q"
