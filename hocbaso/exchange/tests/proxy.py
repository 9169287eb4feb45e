"""A small TCP proxy that breaks connections the way networks do.

Modes:
- ``cut_request``: forwards the first ``cut_after`` bytes of the request, then
  closes both sides (the connection dropped mid-body);
- ``drop_response``: forwards the whole request, waits for the receiver's answer,
  then closes the client's side without it (the receipt lost on the way back);
- ``stall``: reads the request and never answers (a sender can be killed mid-send).
"""

from __future__ import annotations

import socket
import threading


class FaultyProxy:
    def __init__(self, upstream_port: int, mode: str, cut_after: int = 4096) -> None:
        self.upstream_port, self.mode, self.cut_after = upstream_port, mode, cut_after
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.connections = 0
        self.forwarded = 0
        self.connected = threading.Event()  # set at the first connection
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            self.connected.set()
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            request = _read_request(client).replace(
                b"Connection: keep-alive", b"Connection: close"
            )
            if self.mode == "stall":
                self._stop.wait(600)
                return
            with socket.create_connection(("127.0.0.1", self.upstream_port)) as up:
                if self.mode == "cut_request":
                    up.sendall(request[: self.cut_after])
                    self.forwarded += 1
                    return
                up.sendall(request)
                self.forwarded += 1
                up.settimeout(300)
                while up.recv(65536):  # the whole answer, then drop it
                    pass


def _read_request(client: socket.socket) -> bytes:
    """The request line, headers and body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
