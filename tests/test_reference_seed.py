"""Reference data loads from the packaged copies, completely and idempotently."""

import csv
from collections import Counter

from sqlalchemy import func
from sqlmodel import select

from jobbridge.geo.models import Town, TownAdjacency, Village
from jobbridge.geo.service import adjacency, list_towns
from jobbridge.occupations.models import Occupation
from jobbridge.reference import DATA, load_reference_data, village_short_name


def _count(db, model, *where):
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_seed_loads_16_towns_and_721_villages(db):
    assert _count(db, Town) == 16
    assert _count(db, Village) == 721
    assert sum(n for _, n in list_towns(session=db)) == 721


def test_seed_loads_every_distinct_xilei_occupation(db):
    with (DATA / "occupations/csco22.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "4"]
    # The source lists 1,634 细类 rows; two are exact duplicates (修鞋工, 压缩机装配调试工), loaded once each.
    assert len(rows) == 1634
    duplicates = [code for code, n in Counter(r["code"] for r in rows).items() if n > 1]
    assert sorted(duplicates) == ["4-12-04-02", "6-20-05-03"]
    assert _count(db, Occupation, Occupation.level == 4) == 1632
    assert _count(db, Occupation, Occupation.level == 1) == 8


def test_second_seed_changes_nothing(db):
    report = load_reference_data(session=db)
    db.commit()
    assert report.changed == 0
    assert _count(db, Village) == 721


def test_mca_names_are_shown_and_nbs_names_kept(db):
    town = db.get(Town, "371003001")
    assert (town.name, town.name_nbs, town.name_mca) == ("龙山街道", "龙山路街道", "龙山街道")
    office = db.get(Town, "371003400")
    assert office.name == office.name_nbs == "开发区办事处" and office.name_mca is None


def test_villages_keep_official_name_and_everyday_short_name():
    assert village_short_name("西字城村委会") == "西字城村"
    assert village_short_name("横山社区居委会") == "横山社区"


def test_adjacency_is_symmetric_and_sourced(db):
    neighbours = adjacency(session=db)
    assert "371003102" in neighbours["371003105"] and "371003105" in neighbours["371003102"]
    assert all(pair.source for pair in db.exec(select(TownAdjacency)))


def test_occupation_parent_codes_point_one_level_up(db):
    welder = db.exec(select(Occupation).where(Occupation.name == "焊工", Occupation.level == 4)).first()
    assert welder is not None
    assert welder.parent_code == welder.code.rsplit("-", 1)[0] + "-00"
