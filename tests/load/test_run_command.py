"""The Locust command a run builds: distributed runs talk over a port of their own, so two
runs on one machine (CI and a developer, or two test sessions) never fight over Locust's
default master port."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from load.launch import locust_command
from load.run import add_run_arguments


def command_for(*argv: str) -> list[str]:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    args = parser.parse_args(["--scenario", "race", *argv])
    return locust_command(args, Path("target.json"), Path("results"), local=True, passthrough=[])


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_distributed_runs_bind_a_free_port_and_workers_use_it() -> None:
    command = command_for("--processes", "2")
    port = option(command, "--master-bind-port")
    assert option(command, "--master-port") == port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", int(port)))  # it was free when chosen, on every interface as Locust binds


def test_a_local_run_opens_no_master_port() -> None:
    assert "--master-bind-port" not in command_for()
