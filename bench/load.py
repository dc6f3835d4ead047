"""Locust scenario: seekers and members on gunicorn + PostgreSQL + Redis.

Run it through ``bench/load_run.py``, which prepares the database, starts
the server and writes the results; by hand:

    LOAD_DATA=load.json locust -f bench/load.py --headless -u 50 -r 10 -t 60s \\
        --host http://127.0.0.1:8765

Two kinds of visitors, each from an address of its own (sent as
``X-Forwarded-For``, as the reverse proxy would):

- a seeker (3 in 5) searches by place, opens group pages and pages through
  results, without an account;
- a member (2 in 5) comes for a visit: logs in once, then opens the group's
  inside page, sends and withdraws a notice of absence for the next meeting,
  looks at the group's public page and the finder; after a visit of
  ``VISIT_ACTIONS`` actions the member logs out and the next visit logs in
  again. Members stay logged in for weeks, so logins are at most about 1 in
  50 requests (``bench/load_run.py`` reports the share). Members arrive
  spread over the first ``ARRIVAL_SPREAD_S`` seconds (reading public pages
  until then), not all in the two seconds it takes to start them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ.get("LOAD_DATA", "load.json")).read_text())
MEMBERS = itertools.cycle(DATA["members"])
ADDRESSES = (f"10.{a}.{b}.{c}" for a in range(1, 250) for b in range(250) for c in range(1, 250))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = next(ADDRESSES)
        self.client.headers["Accept-Language"] = "nb"


class Seeker(Visitor):
    weight = 3

    @task(4)
    def search(self) -> None:
        place = random.choice(DATA["places"])
        self.client.get("/grupper/", params={"q": place}, name="/grupper/?q=[place]")

    @task(1)
    def search_page_two(self) -> None:
        place = random.choice(DATA["places"])
        self.client.get(
            "/grupper/", params={"q": place, "page": 2}, name="/grupper/?q=[place]&page=2"
        )

    @task(3)
    def group_page(self) -> None:
        slug = random.choice(DATA["group_slugs"])
        self.client.get(f"/grupper/{slug}/", name="/grupper/[slug]/")

    @task(1)
    def front_page(self) -> None:
        self.client.get("/", name="/")


# Actions per member visit (each a page or two), drawn for every visit.
VISIT_ACTIONS = (25, 45)
# Members are spread over their visits, as at any moment of a normal day: the first
# login of each simulated member comes at a random moment within this many seconds
# (until then the member reads public pages), instead of all 20 in the two seconds
# Locust takes to start them.
ARRIVAL_SPREAD_S = 30.0


class Member(Visitor):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.member = next(MEMBERS)
        self.logged_in = False
        self.arrives_at = time.monotonic() + random.uniform(0, ARRIVAL_SPREAD_S)

    def arrived(self) -> bool:
        """Whether the visit has begun (logged in); before that, a public page."""
        if self.logged_in:
            return True
        if time.monotonic() >= self.arrives_at:
            self.login()
            self.logged_in = True
            return True
        place = random.choice(DATA["places"])
        self.client.get("/grupper/", params={"q": place}, name="/grupper/?q=[place]")
        return False

    def login(self) -> None:
        self.actions_left = random.randint(*VISIT_ACTIONS)
        self._login()

    def count_action(self) -> None:
        self.actions_left -= 1
        if self.actions_left <= 0:
            self.log_out_and_in()

    def csrf_from(self, html: str) -> str:
        match = CSRF_INPUT.search(html)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def _login(self) -> None:
        page = self.client.get("/konto/login/", name="/konto/login/ (form)")
        with self.client.post(
            "/konto/login/",
            data={
                "login": self.member["email"],
                "password": DATA["password"],
                "csrfmiddlewaretoken": self.csrf_from(page.text),
            },
            allow_redirects=False,
            name="/konto/login/ (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    @task(4)
    def inside(self) -> None:
        if not self.arrived():
            return
        self.client.get(self.member["inside"], name="/inne/[token]/")
        self.count_action()

    @task(1)
    def group_page(self) -> None:
        if not self.arrived():
            return
        slug = random.choice(DATA["group_slugs"])
        self.client.get(f"/grupper/{slug}/", name="/grupper/[slug]/")
        self.count_action()

    @task(1)
    def search(self) -> None:
        if not self.arrived():
            return
        place = random.choice(DATA["places"])
        self.client.get("/grupper/", params={"q": place}, name="/grupper/?q=[place]")
        self.count_action()

    @task(2)
    def absence(self) -> None:
        if not self.arrived():
            return
        page = self.client.get(self.member["inside"], name="/inne/[token]/")
        token = self.csrf_from(page.text)
        for action in ("register", "undo"):
            with self.client.post(
                self.member["absence"],
                data={"action": action, "csrfmiddlewaretoken": token},
                allow_redirects=False,
                name=f"/inne/[token]/moter/[id]/fravar/ ({action})",
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"absence answered {response.status_code}")
        self.count_action()

    def log_out_and_in(self) -> None:
        """The end of a visit; the next one starts with a login."""
        page = self.client.get("/konto/logout/", name="/konto/logout/ (form)")
        self.client.post(
            "/konto/logout/",
            data={"csrfmiddlewaretoken": self.csrf_from(page.text)},
            allow_redirects=False,
            name="/konto/logout/ (POST)",
        )
        self.login()
