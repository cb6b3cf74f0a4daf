"""Outreach test helpers: subscribers, local SMS gateways, and running the jobs as the scheduler would."""

from __future__ import annotations

import itertools
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlmodel import Session, select

from jobbridge.geo.models import Village
from jobbridge.outreach.subscriptions import SubscriptionInput, subscribe

_seq = itertools.count(1)


def villager_phone() -> str:
    """A fresh valid mobile number for a villager."""
    return f"136{next(_seq):08d}"


def villages_of_town(db: Session, town: str) -> list[str]:
    """Village codes of one town."""
    return list(db.exec(select(Village.code).where(Village.town_code == town).order_by(Village.code)))


def make_subscriber(db: Session, *, village: str, travel_range: str = "全区", commit: bool = True, **prefs):
    """A consenting subscriber of a village (any work, any pay, anywhere in the district unless told)."""
    data = SubscriptionInput(phone=prefs.pop("phone", None) or villager_phone(), name=prefs.pop("name", "村民"),
                             village_code=village, travel_range=travel_range, consent=True, **prefs)
    subscription, _ = subscribe(session=db, data=data, via=prefs.get("via", "self"))
    if commit:
        db.commit()
    return subscription


class Gateway:
    """A real local HTTP SMS gateway: fails the first `failures` requests, or every one when down."""

    def __init__(self, *, failures: int = 0, status: int = 500) -> None:
        self.failures = failures
        self.status = status
        self.requests: list[dict] = []
        self.delivered: list[dict] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body are two writes; delayed ACKs would otherwise stall each keep-alive request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                payload = json.loads(body)
                payload["signature"] = self.headers.get("x-jobbridge-signature")
                with gateway.lock:
                    gateway.requests.append(payload)
                    fail = len(gateway.requests) <= gateway.failures
                    if not fail:
                        gateway.delivered.append(payload)
                answer = b'{"ok": false}' if fail else b'{"ok": true}'
                self.send_response(gateway.status if fail else 200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    """A URL on which nothing listens (a gateway that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/sms"


def csrf(client, path: str = "/login") -> str:  # noqa: ANN001
    """The CSRF token of a page's form."""
    import re

    return re.search(r'name="_csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def login(client, user, password: str | None = None) -> None:  # noqa: ANN001
    """Sign a test client in as a user."""
    from support.personas import PASSWORD

    client.post("/login", data={"login": user.phone, "password": password or PASSWORD, "_csrf_token": csrf(client)})


def make_coordinator(db: Session, *, villages: list[str]):
    """A coordinator looking after some villages."""
    from jobbridge.accounts.service import assign_coordinator_area
    from support.personas import make_user

    user = make_user(db, role="coordinator", name="李协理")
    for code in villages:
        assign_coordinator_area(session=db, user=user, village_code=code)
    db.commit()
    return user
