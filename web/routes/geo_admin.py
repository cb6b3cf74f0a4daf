"""Staff editing of which towns border which."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.errors import DomainError
from jobbridge.geo.service import adjacency, list_towns, set_adjacent
from jobbridge_web.deps import current_user, staff_only


@dataclass
class AdjacencyForm:
    """Add or remove one pair of bordering towns."""

    town_a: str = ""
    town_b: str = ""
    action: str = "add"
    source: str = ""


def _page(db: Session, *, error: str = "", notice: str = "", form: AdjacencyForm | None = None,
          status: int = 200) -> Template:
    towns = list_towns(session=db)
    names = {town.code: town.name for town, _ in towns}
    neighbours = adjacency(session=db)
    rows = [(town, sorted(names[c] for c in neighbours.get(town.code, ()))) for town, _ in towns]
    return Template("staff/towns.html", context={"rows": rows, "towns": towns, "error": error, "notice": notice,
                                                 "form": form or AdjacencyForm()}, status_code=status)


@get("/staff/towns", sync_to_thread=True, guards=[staff_only])
def towns_page(db: Session, notice: str = "") -> Template:
    """Every town with its neighbours, and a form to correct them."""
    return _page(db, notice=notice)


@post("/staff/towns/adjacency", sync_to_thread=True, guards=[staff_only])
def edit_adjacency(
    request: Request, db: Session, data: Annotated[AdjacencyForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Template | Redirect:
    """Record or remove that two towns border each other."""
    try:
        set_adjacent(session=db, town_a=data.town_a, town_b=data.town_b, adjacent=data.action == "add",
                     by_user_id=current_user(request).id, source=data.source.strip())
    except DomainError as exc:
        return _page(db, error=exc.message, form=data, status=400)
    return Redirect("/staff/towns?notice=" + ("已添加相邻关系" if data.action == "add" else "已删除相邻关系"), status_code=303)


handlers = [towns_page, edit_adjacency]
