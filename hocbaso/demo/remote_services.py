"""The demo's remote signing, in one process: hocbaso's CSC service over the demo
token, and a "phone" page showing each credential's current one-time code, as a
provider's authenticator app would on the teacher's phone.

    python -m hocbaso.demo.remote_services --dir DATA_DIR/csc [--port 8766]
                                           [--phone-port 8767]

Both listen on 127.0.0.1 only. The phone page is the demo's and nothing else's: it
shows every code to whoever reaches it, so it has no place beside a real service.
Django-free; the directory is what ``hocbaso demo-csc`` wrote (remote_signing.py).
The first line printed names both addresses (start() reads it).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pkcs11

from hocbaso.signing.cscservice import load_config, make_server
from hocbaso.signing.totp import STEP_SECONDS, secret_from_base32, totp

HOST = "127.0.0.1"
READY = "hocbaso demo remote signing: "
ROLES = {
    "homeroom": "Giáo viên chủ nhiệm",
    "principal": "Hiệu trưởng",
    "seal": "Con dấu của trường",
}


@dataclass(frozen=True)
class RemoteServices:
    """The running process: the CSC base URL to configure, the phone page's URL."""

    process: subprocess.Popen[str]
    csc_url: str
    phone_url: str


@contextmanager
def start(
    directory: Path, *, port: int = 0, phone_port: int = 0, log: Path | None = None
) -> Iterator[RemoteServices]:
    """The services of directory in a process of their own, stopped on exit (0:
    any free port). Raises RuntimeError with the log when they do not start."""
    log = log or directory / "services.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "hocbaso.demo.remote_services", "--dir",
         str(directory), "--port", str(port), "--phone-port", str(phone_port)],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(READY):
            process.kill()
            raise RuntimeError(f"the services did not start: {log.read_text()}")
        csc_url, phone_url = line[len(READY) :].split()
        yield RemoteServices(process, csc_url, phone_url)
    finally:
        process.terminate()
        process.wait(timeout=10)


def current_codes(directory: Path, at: float) -> list[dict[str, Any]]:
    """Each credential of credentials.json with its code at `at` and the seconds
    the code has left."""
    listing = json.loads((directory / "credentials.json").read_text("utf-8"))
    left = STEP_SECONDS - int(at) % STEP_SECONDS
    for item in listing:
        secret = secret_from_base32((directory / item["totp_file"]).read_text().strip())
        item["otp"], item["left"] = totp(secret, at), left
    return listing


class PhoneHandler(BaseHTTPRequestHandler):
    """GET /: the page; GET /otp/<credential>: that code alone (plain text)."""

    directory: Path  # set on the subclass made by serve_phone
    server_version = "hocbaso-demo-phone"

    def do_GET(self) -> None:
        codes = current_codes(self.directory, time.time())
        if self.path.startswith("/otp/"):
            wanted = self.path.removeprefix("/otp/")
            found = [c["otp"] for c in codes if c["credential"] == wanted]
            if not found:
                return self._answer(404, "text/plain", "không có chứng thư này\n")
            return self._answer(200, "text/plain", found[0] + "\n")
        self._answer(200, "text/html", _page(codes))

    def _answer(self, status: int, kind: str, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the codes are not logged


def _page(codes: list[dict[str, Any]]) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                ROLES.get(c["role"], c["role"]),
                c["holder"],
                f"{c['school']}, lớp {c['school_class']}",
                c["credential"],
            )
        )
        + f"<td><strong>{c['otp']}</strong></td><td>{c['left']} giây</td></tr>"
        for c in codes
    )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="5">'
        "<title>Điện thoại demo: mã OTP ký số từ xa</title></head><body>"
        "<h1>Mã OTP ký số từ xa (điện thoại demo)</h1>"
        "<p>Trên trang “Ký từ xa”, nhập mã chứng thư và mã OTP hiện tại. "
        "Mỗi mã chỉ dùng được một lần; trang tự làm mới sau 5 giây.</p>"
        "<table border=1 cellpadding=4><tr><th>Vai trò</th><th>Người/đơn vị giữ"
        "</th><th>Trường, lớp</th><th>Mã chứng thư</th><th>Mã OTP</th>"
        f"<th>Còn hiệu lực</th></tr>{rows}</table></body></html>"
    )


def serve_phone(directory: Path, port: int) -> ThreadingHTTPServer:
    """The phone page on 127.0.0.1:port (0: any free port)."""
    handler = type("Handler", (PhoneHandler,), {"directory": directory})
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hocbaso.demo.remote_services")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--phone-port", type=int, default=8767)
    args = parser.parse_args(argv)
    # The PKCS#11 library reads its configuration when the service loads it.
    os.environ["SOFTHSM2_CONF"] = str(args.dir / "token" / "softhsm2.conf")
    try:
        csc = make_server(load_config(args.dir / "csc.json"), args.port, HOST)
    except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
        raise SystemExit(f"the demo token cannot be used: {exc!r}") from exc
    phone = serve_phone(args.dir, args.phone_port)
    threading.Thread(target=phone.serve_forever, daemon=True).start()
    csc_url = f"http://{HOST}:{csc.server_address[1]}/csc/v2"
    print(f"{READY}{csc_url} http://{HOST}:{phone.server_address[1]}/", flush=True)
    try:
        csc.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        csc.server_close()
        phone.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
