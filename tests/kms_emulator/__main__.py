"""Command line: run the emulator from a JSON configuration until SIGTERM or SIGINT.

    python -m kms_emulator --config FILE.json [--state-dir DIR] [--http-port N]
        [--https-port N] [--metadata-port N] [--ready-file PATH] [--verbose]
"""

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .config import ConfigError, apply_config, load_config
from .emulator import Emulator

logger = logging.getLogger("kms_emulator")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m kms_emulator",
        description="Serve a local Alibaba Cloud KMS, STS and ECS metadata endpoint on 127.0.0.1.",
    )
    parser.add_argument("--config", required=True, help="JSON file listing accounts, keys, roles, faults and the ECS role")
    parser.add_argument("--state-dir", help="folder for the generated CA and server certificate (default: a temporary folder)")
    parser.add_argument("--http-port", type=int, default=0, help="HTTP port for KMS, STS and the admin API (default: any free port)")
    parser.add_argument("--https-port", type=int, default=0, help="HTTPS port for KMS, STS and the admin API (default: any free port)")
    parser.add_argument("--metadata-port", type=int, default=0, help="HTTP port for the ECS metadata service (default: any free port)")
    parser.add_argument("--ready-file", help="write a JSON file with the URLs, CA path, pid and credentials once serving")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    return parser.parse_args(argv)


def write_ready_file(path, emulator, accounts):
    document = {
        "http_url": emulator.http_url,
        "https_url": emulator.https_url,
        "metadata_url": emulator.metadata_url,
        "ca_path": emulator.ca_path,
        "pid": os.getpid(),
        "accounts": accounts,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    # The file is written under another name and then renamed, so a reader
    # polling for it never reads a partial document.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def main(argv=None):
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.DEBUG if arguments.verbose else logging.INFO,
                        format="%(asctime)s kms_emulator %(levelname)s %(message)s")

    try:
        document = load_config(arguments.config)
    except ConfigError as error:
        logger.error("%s", error)
        return 2

    temporary_state = None
    state_dir = arguments.state_dir
    if state_dir is None:
        temporary_state = tempfile.TemporaryDirectory(prefix="kms_emulator-")
        state_dir = temporary_state.name

    emulator = Emulator(state_dir=state_dir)
    try:
        accounts = apply_config(emulator, document)
    except ConfigError as error:
        logger.error("invalid configuration %s: %s", arguments.config, error)
        return 2

    stop_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
    signal.signal(signal.SIGINT, lambda *_: stop_requested.set())

    try:
        emulator.start(http_port=arguments.http_port, https_port=arguments.https_port, metadata_port=arguments.metadata_port)
    except OSError as error:
        logger.error("cannot listen on 127.0.0.1: %s; choose other ports or 0 for any free port", error)
        return 1

    try:
        if arguments.ready_file:
            write_ready_file(arguments.ready_file, emulator, accounts)
        logger.info("serving http=%s https=%s metadata=%s ca=%s", emulator.http_url, emulator.https_url,
                    emulator.metadata_url, emulator.ca_path)

        while not stop_requested.wait(timeout=1.0):
            pass
    finally:
        emulator.stop()
        if arguments.ready_file:
            Path(arguments.ready_file).unlink(missing_ok=True)
        if temporary_state is not None:
            temporary_state.cleanup()
        logger.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
