"""Booth requests racing through the real HTTP server: more requests than the server's worker threads."""

from __future__ import annotations

import threading

import httpx

from support.fairs import make_exhibitor, make_fair
from support.personas import PASSWORD


def test_simultaneous_booth_requests_over_http_all_answer_and_fill_exactly(live_server, db):
    """Litestar runs sync handlers in a small executor (cpu+4 threads); a request must never wait for a worker
    while another request's uncommitted lock blocks every worker, so 16 racers must all be answered."""
    fair = make_fair(db, booth_capacity=3)
    racers = [make_exhibitor(db) for _ in range(16)]
    tokens = []
    with httpx.Client(base_url=live_server, timeout=30) as client:
        for _, _, user in racers:
            response = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD})
            tokens.append(response.json()["access_token"])
    barrier = threading.Barrier(len(racers))
    answers: list[dict] = []
    errors: list[BaseException] = []

    def race(index: int) -> None:
        _, vacancy, _ = racers[index]
        try:
            with httpx.Client(base_url=live_server, timeout=60) as client:
                barrier.wait(30)
                response = client.post(f"/api/v1/fairs/{fair.id}/booths", json={"vacancy_ids": [vacancy.id]},
                                       headers={"Authorization": f"Bearer {tokens[index]}"})
                answers.append(response.json() | {"http": response.status_code})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(racers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert errors == [] and {a["http"] for a in answers} == {201}
    assert sorted(a["booth_number"] for a in answers if a["status"] == "confirmed") == [1, 2, 3]
    assert sorted(a["waitlist_position"] for a in answers if a["status"] == "waitlisted") == list(range(1, 14))
