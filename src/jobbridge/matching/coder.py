"""Occupation coder: job title (+ description) → a code of the 2022 Chinese occupational classification."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from jobbridge.matching.text import char_tfidf, normalize_text, split_segments, strip_rank

__all__ = [
    "CodeResult",
    "OccupationCoder",
    "OccupationRow",
    "ancestors",
    "get_coder",
    "occupation_table",
    "proximity_level",
]

_DATA = "data/occupations/csco22.csv"
_MARKER = re.compile(r"(?:L/S|S|L)$")
ABSTAIN_NAME = "未能识别"


@dataclass(frozen=True)
class OccupationRow:
    """One entry of the classification (大类/中类/小类/细类)."""

    code: str
    level: int
    name: str
    definition: str
    tasks: str
    aliases: tuple[str, ...]
    parent: str | None
    digital: bool = False
    green: bool = False


@dataclass(frozen=True)
class CodeResult:
    """The coder's answer: a code at some level (0 = abstained) with a confidence in 0..1."""

    title: str
    code: str
    name: str
    level: int
    confidence: float


def _segments(code: str) -> list[str]:
    """The four segments of a code such as "6-18-02-04"."""
    return code.split("-")


def _depth(code: str) -> int:
    """Structural depth of a code: 1 + index of its last non-zero segment ("6-18-00-00" → 2)."""
    segs = _segments(code)
    nonzero = [i for i, s in enumerate(segs) if i == 0 or s.strip("0")]
    return nonzero[-1] + 1 if nonzero else 0


def _prefix_code(code: str, level: int) -> str:
    """The code of the level-`level` group containing `code` (trailing segments zeroed)."""
    segs = _segments(code)
    return "-".join(segs[:level] + ["00"] * (4 - level))


@lru_cache(maxsize=1)
def occupation_table() -> dict[str, OccupationRow]:
    """The parsed classification keyed by code; duplicate rows are merged, keeping the most specific level."""
    path = resources.files("jobbridge") / _DATA
    merged: dict[str, dict] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            code = rec["code"].strip()
            raw_name = rec["name"].strip()
            marker = _MARKER.search(raw_name)
            aliases = [a.strip() for a in rec["alias"].split(",") if a.strip()]
            row = merged.setdefault(
                code,
                {
                    "level": 0,
                    "name": _MARKER.sub("", raw_name),
                    "definition": "",
                    "tasks": "",
                    "aliases": [],
                    "digital": False,
                    "green": False,
                },
            )
            # A 小类 with no 细类 children is listed both as level 3 and level 4; the leaf reading wins.
            row["level"] = max(row["level"], int(rec["level"]))
            row["definition"] = row["definition"] or rec["definition"].strip()
            row["tasks"] = row["tasks"] or rec["tasks"].strip()
            row["aliases"] += [a for a in aliases if a not in row["aliases"]]
            if marker:
                row["digital"] = row["digital"] or "S" in marker.group(0)
                row["green"] = row["green"] or "L" in marker.group(0)
    table: dict[str, OccupationRow] = {}
    for code, row in merged.items():
        parent = next((a for a in _structural_ancestors(code)[1:] if a in merged), None)
        table[code] = OccupationRow(code=code, parent=parent, **{**row, "aliases": tuple(row["aliases"])})
    return table


def _structural_ancestors(code: str) -> list[str]:
    """Self then each coarser prefix code, whether or not the file lists it."""
    out = [code]
    for level in range(_depth(code) - 1, 0, -1):
        anc = _prefix_code(code, level)
        if anc != out[-1]:
            out.append(anc)
    return out


def ancestors(code: str) -> list[str]:
    """The code itself, then each coarser code that exists in the classification (missing parents skipped)."""
    if not code:
        return []
    table = occupation_table()
    chain = _structural_ancestors(code)
    return [chain[0]] + [c for c in chain[1:] if c in table]


def code_level(code: str) -> int:
    """Level of a code: the classification's level when listed, else its structural depth (0 for "")."""
    if not code:
        return 0
    row = occupation_table().get(code)
    return row.level if row else _depth(code)


def proximity_level(a: str, b: str) -> int:
    """4 same 细类, 3 same 小类, 2 same 中类, 1 same 大类, 0 unrelated (bounded by the coarser code's level)."""
    if not a or not b:
        return 0
    sa, sb = _segments(a), _segments(b)
    common = 0
    for x, y in zip(sa, sb, strict=False):
        if x != y:
            break
        common += 1
    return min(common, code_level(a), code_level(b))


# Everyday job-board titles the classification's alias column lacks (county postings: trades, services, seafood).
_EXTRA_ALIASES = """
6-00-00-00 普工 操作工 生产工人 生产操作工 流水线工人 车间工人 一线工人 生产员工 生产普工 车间普工
6-18-02-04 电焊工 电焊 焊接工 二保焊工 二保焊 氩弧焊 气保焊工 焊接操作工 点焊工 激光焊工 焊工学徒 船厂电焊工
6-18-01-01 数控车工 数控车床操作工 车床工 普车工 数控车床 车床操作工
6-18-01-02 数控铣工 铣床工 铣床操作工
6-18-01-04 磨床工 平面磨工 磨床操作工
6-18-01-07 加工中心操作工 cnc操机员 cnc操作工 数控操作工 数控机床操作工 cnc编程员 加工中心
6-18-01-12 冲床工 冲压操作工 钣金工 折弯机操作工
6-18-03-03 喷漆工 喷涂工 喷粉工 涂装操作工
6-14-02-00 注塑工 注塑机操作工 注塑操作工 吹塑工 塑料制品工
6-20-01-01 装配工 机械装配工 装配技工 钳工学徒
6-31-01-03 维修电工 低压电工 高压电工 电工学徒 厂区电工 设备电工
6-31-01-10 设备维修工 机修 机修工 维修工 设备维修 维修技工
6-31-05-00 包装员 打包员 打包工 包装普工 装箱工
6-31-03-05 品检员 检验员 qc 品管员 质检 品质检验员 iqc ipqc oqc 质检专员
6-25-04-07 电子装配工 插件工 smt操作员 焊锡工 电子组装工
6-30-05-01 叉车 叉车操作员 叉车师傅
6-30-05-02 行车工 天车工 塔吊司机 行车司机 起重机司机 塔吊指挥
6-30-05-05 装载机司机 挖机司机 铲车工
6-29-01-01 瓦工 泥瓦工 砖瓦工
6-29-04-01 装修工 腻子工 贴砖工 瓷砖工 装修师傅 油漆装修工
6-29-02-15 水暖工 管道安装工 管道工
6-29-03-03 电梯维修工 电梯维保 电梯安装工
6-29-03-05 空调安装工 空调维修工 空调安装
4-02-02-01 大巴司机 公交司机 通勤车司机 小车司机 驾驶员 校车司机 客车司机
4-02-02-02 货车司机 大货车司机 重卡司机 半挂司机 a2司机 b2司机 卡车司机 配送司机 物流司机 冷链司机
4-10-08-01 外卖骑手 骑手 外卖员 外卖配送员 美团骑手 饿了么骑手 跑腿员 同城配送
4-02-07-08 快递派送员 快递小哥 快递收派员 派件员 收派员 快递配送员
4-02-06-02 拣货员 理货 分拣工
4-02-05-01 装车工 卸货工 搬运
4-02-06-01 仓管 仓管员 库管 库管员 仓库保管员
4-02-06-04 冷库工 冷库管理员
4-03-02-05 餐厅服务员 酒店服务员 饭店服务员 包厢服务员 点菜员
4-03-02-01 厨工 帮厨 炒锅 砧板 厨房帮工 食堂厨师 厨师学徒 面案 配菜员 打荷 厨房杂工
4-03-01-02 客房保洁 酒店客房服务员 客房阿姨
4-07-05-01 门卫 安保 保安队长 巡逻员 秩序维护员 门岗
4-09-08-01 保洁阿姨 环卫工 清洁员 环卫保洁
4-10-01-06 育儿嫂 住家保姆 家政阿姨 家政保洁
4-10-01-05 养老护理 养老院护理员 护理员
4-14-01-02 陪护 护工阿姨
4-01-02-01 业务员 销售员 推销员 业务代表 销售业务员 电销 电话销售员
1-06-01-02 总经理
1-06-01-01 董事长 董事
3-02-02-02 协警
6-18-01-08 线切割工 线切割操作工 电火花操作工
6-18-02-03 热处理工
2-02-30-01 生产计划员 班组长 线长
4-01-02-03 超市营业员 售货员
4-12-01-01 汽修工 汽车修理工 汽车机修工 汽修学徒 汽车维修技师
2-06-03-00 会计助理 记账会计 财务助理 主办会计 财务 账务
3-01-02-02 办公室文员 行政文员 文秘 跟单员 内勤 销售内勤
3-01-02-05 录入员 数据录入员
4-07-03-04 人事文员 人事行政
2-08-03-00 幼师 幼儿教师 幼儿园老师
2-08-02-04 小学老师 小学语文老师 小学数学老师
2-08-02-03 初中老师
2-08-02-01 高中老师
4-10-03-02 理发师
6-01-05-01 海产品加工工 海参加工 水产加工 海鲜加工 鱼类加工 海带加工
6-01-04-01 屠宰工 分割工
6-02-01-01 烘焙师 面包师
6-05-01-03 服装车工 平车工 家纺车工 针车工 缝纫机工
6-06-04-00 家具木工
6-11-01-02 化工操作工 化工操作员
6-28-01-11 司炉工
4-09-07-01 污水处理操作工 污水处理员
4-09-10-01 园林工人 绿化养护工 绿化工人
6-31-04-00 过磅员 司磅员
4-06-01-03 停车场管理员 停车收费员
5-04-02-01 水产养殖工 海参养殖 海水养殖工
5-04-03-02 渔船船员 渔民 捕捞工
5-03-02-01 养猪工 养殖场饲养员
5-01-02-01 种植工 果园工人 大棚工人
4-04-05-01 程序员 软件开发工程师 后端开发工程师
3-01-04-02 网格员
3-01-04-01 社区工作者 社区专职工作者
"""

# Alias-column entries filed under an evidently wrong occupation: (text, wrong code, right code or "").
_ALIAS_FIXES = (
    ("财务主管/总账主管", "1-03-00-02", "2-06-03-00"),
    ("阿里国际站运营", "4-02-07-11", "4-01-06-01"),
    ("注塑工", "6-18-04-01", "6-14-02-00"),
    ("单证员", "2-07-05-00", "2-06-07-01"),
    ("电商产品经理", "4-01-02-06", "2-02-34-01"),
    ("销售工程师", "2-02-30-10", "4-01-02-01"),
    ("运营总监", "1-06-02-00", "1-06-01-02"),
    ("速卖通运营", "4-13-01-05", "4-01-06-01"),
)


@dataclass(frozen=True)
class CoderParams:
    """Tuning knobs (fitted on leave-one-alias-out, checked on the fixture)."""

    tau: float = 0.06  # softmax temperature over per-code scores
    top_k: int = 30  # only the k best codes share probability mass (the long tail is noise)
    def_weight: float = 0.25  # weight of similarity to the definition + tasks text
    doc_max_df: float = 0.05  # n-grams in more than this share of definitions are ignored for def-similarity
    desc_weight: float = 0.15  # weight of description-vs-definition similarity when a description is given
    sub_suffix: float = 0.45  # score of a contained alias that ends the title, before its coverage share
    sub_inner: float = 0.25  # score of a contained alias elsewhere in the title (a modifier, not the head)
    sub_slope: float = 0.5  # added per unit of title length the contained alias covers
    core_exact: float = 0.95  # discount for the title minus 助理/经理/高级… (a rank-stripped variant)
    null_score: float = 0.45  # score of the "none of these" competitor in the softmax
    head_bonus: float = 0.05  # added to the cosine when a title and an alias end in the same two characters
    entry_floor: float = 0.2  # alias similarities below this are ignored (they never decide anything)
    generic_codes: int = 3  # a title contained in aliases of this many codes is generic: capped at null_score
    later_segment: float = 0.95  # discount for the second and later role segments of a title
    thresholds: tuple[float, ...] = (0.0, 0.3, 0.4, 0.45, 0.5)  # mass needed to descend to level 1..4
    min_evidence: float = 0.3  # below this best score the coder abstains (level 0)


class OccupationCoder:
    """Codes job titles by char n-gram similarity to names/aliases plus alias containment, backing off up the tree."""

    def __init__(self, table: dict[str, OccupationRow], *, params: CoderParams | None = None) -> None:
        """Build the index from a parsed classification."""
        self.params = params or CoderParams()
        self.table = table
        self._codes = sorted(table)
        self._index = {c: i for i, c in enumerate(self._codes)}
        self._levels = np.array([table[c].level for c in self._codes])
        self._build_entries()
        # Measured on leave-one-alias-out: 1–2-grams beat char_tfidf's 1–3-gram default for titles.
        self._vec = char_tfidf(preprocessor=None, ngram_range=(1, 2))
        docs = [normalize_text(f"{table[c].definition} {table[c].tasks}") for c in self._codes]
        both = self._vec.fit_transform(self.entry_texts + docs)
        self._df = np.asarray((both > 0).sum(axis=0)).ravel()
        self._entries_t = both[: len(self.entry_texts)].T.tocsr()
        doc_rows = both[len(self.entry_texts) :].tocsc()
        # Characters common to most definitions (的, 人, 员 …) make the product slow and say little; drop them.
        common = np.asarray((doc_rows > 0).sum(axis=0)).ravel() > self.params.doc_max_df * len(docs)
        doc_rows = doc_rows @ sparse.diags((~common).astype(np.float32))
        norms = np.sqrt(np.asarray(doc_rows.multiply(doc_rows).sum(axis=1)).ravel())
        self._docs_t = (sparse.diags(1.0 / np.maximum(norms, 1e-9)) @ doc_rows).T.tocsr()
        self._docs_t.eliminate_zeros()
        self._build_tree()

    @classmethod
    def load(cls, *, params: CoderParams | None = None) -> OccupationCoder:
        """Build a coder from the packaged classification CSV."""
        return cls(occupation_table(), params=params)

    def _build_entries(self) -> None:
        """Collect normalised names, corrected aliases and supplementary titles, grouped by code."""
        per_code: dict[str, dict[str, bool]] = {c: {} for c in self._codes}
        moved = {(text, src): dst for text, src, dst in _ALIAS_FIXES}
        for code in self._codes:
            row = self.table[code]
            for text in (row.name, *row.aliases):
                target = moved.get((text, code), code)
                norm = normalize_text(text)
                if target and norm and target in per_code:
                    per_code[target].setdefault(norm, target == code)
        for line in _EXTRA_ALIASES.strip().splitlines():
            code, *titles = line.split()
            for text in titles:
                per_code[code].setdefault(normalize_text(text), False)
        self.entry_texts: list[str] = []
        self.entry_code: list[int] = []
        self.entry_from_file: list[bool] = []
        for i, code in enumerate(self._codes):
            for text, from_file in per_code[code].items():
                self.entry_texts.append(text)
                self.entry_code.append(i)
                self.entry_from_file.append(from_file)
        self._entry_code_arr = np.asarray(self.entry_code)
        self._lookup: dict[str, list[int]] = {}
        for eid, text in enumerate(self.entry_texts):
            self._lookup.setdefault(text.replace(" ", ""), []).append(eid)
        self._maxlen = max(len(t) for t in self._lookup)
        self._tail_ids: dict[str, int] = {}
        self._entry_tail = np.array(
            [self._tail_ids.setdefault(t[-2:], len(self._tail_ids)) for t in self.entry_texts]
        )
        self._prefixes = {t[:k] for t in self._lookup for k in range(2, len(t) + 1)}
        # Which codes have an entry strictly containing a string: generic words (经理, 操作员) hit many codes.
        self._containers: dict[str, set[int]] = {}
        for text, ids in self._lookup.items():
            for i in range(len(text)):
                for j in range(i + 2, min(len(text), i + 8) + 1):
                    if j - i < len(text):
                        self._containers.setdefault(text[i:j], set()).update(self.entry_code[e] for e in ids)

    def _build_tree(self) -> None:
        """Parent index per code (root = C) and a padded ancestor table (self first) for subtree masses."""
        n = len(self._codes)
        self._parent = np.full(n, n)
        self._anc_pad = np.full((n, 4), -1)
        for i, code in enumerate(self._codes):
            chain = [self._index[a] for a in _structural_ancestors(code) if a in self._index]
            self._anc_pad[i, : len(chain)] = chain
            if self.table[code].parent:
                self._parent[i] = self._index[self.table[code].parent]

    def _substring_hits(self, segment: str) -> dict[int, float]:
        """Entries contained in the segment, scored by how much of it they cover and whether they end it."""
        p = self.params
        hits: dict[int, float] = {}
        n = len(segment)
        for i in range(n - 1):
            for j in range(i + 2, min(n, i + self._maxlen) + 1):
                piece = segment[i:j]
                if piece not in self._prefixes:
                    break  # no entry starts with this piece, so no longer piece can match either
                ids = self._lookup.get(piece)
                if not ids:
                    continue
                if j - i == n:
                    value = 1.0
                else:
                    # Chinese titles put the head noun last (电焊工 ⊃ 焊工); an alias inside is only a modifier.
                    base = p.sub_suffix if j == n else p.sub_inner
                    value = min(0.95, base + p.sub_slope * (j - i) / n)
                for eid in ids:
                    if hits.get(eid, 0.0) < value:
                        hits[eid] = value
        return hits

    def _vectors(self, texts: list[str], held_out: np.ndarray | None) -> sparse.csr_matrix:
        """TF-IDF rows; for held-out rows the n-grams found in no other entry or definition are dropped."""
        x = self._vec.transform(texts)
        if held_out is not None and held_out.any():
            # A real coder would not know an n-gram that only the held-out alias contains.
            x = x.tocoo()
            x.data[held_out[x.row] & (self._df[x.col] == 1)] = 0.0
            x = normalize(x.tocsr())
        return x

    def _segment_evidence(
        self, keys: list[tuple[str, int]], x: sparse.csr_matrix, exclude: np.ndarray | None
    ) -> tuple[np.ndarray, ...]:
        """Alias evidence as (segment, code, score) triples: cosine to entries plus alias containment."""
        p = self.params
        segments = [text for text, _ in keys]
        sims = (x @ self._entries_t).tocoo()
        keep = sims.data >= p.entry_floor  # weaker similarities never decide anything
        s_rows, s_eids, s_vals = sims.row[keep], sims.col[keep], sims.data[keep]
        if p.head_bonus:
            # Chinese job titles end in their head noun (…编辑, …老师): a shared ending is extra evidence.
            seg_tail = np.array([self._tail_ids.get(t[-2:], -2) for t in segments])
            s_vals[seg_tail[s_rows] == self._entry_tail[s_eids]] += p.head_bonus
        hits = [(i, eid, v) for i, seg in enumerate(segments) for eid, v in self._substring_hits(seg).items()]
        h_rows, h_eids, h_vals = (np.array(col) for col in zip(*hits, strict=True)) if hits else ([], [], [])
        rows = np.concatenate([s_rows, h_rows]).astype(np.int64)
        eids = np.concatenate([s_eids, h_eids]).astype(np.int64)
        vals = np.concatenate([s_vals, h_vals]).astype(np.float32)
        if exclude is not None:
            kept = exclude[rows] != eids
            rows, eids, vals = rows[kept], eids[kept], vals[kept]
        codes = self._entry_code_arr[eids]
        n_codes = len(self._codes)
        generic = [
            i * n_codes + np.fromiter(holders, dtype=np.int64)
            for i, seg in enumerate(segments)
            if seg not in self._lookup and len(holders := self._containers.get(seg, ())) >= p.generic_codes
        ]
        if generic:
            # A generic word (经理, 操作员) says little about which of its many longer aliases is meant.
            capped = np.isin(rows * n_codes + codes, np.concatenate(generic))
            vals[capped] = np.minimum(vals[capped], p.null_score)
        return rows, codes, vals

    def _title_scores(self, titles: list[str], exclude: np.ndarray | None = None) -> np.ndarray:
        """Per-code scores for each title: best over its role segments (later ones discounted) + definition match."""
        p = self.params
        unique: dict[tuple[str, int], int] = {}
        owner, row, weight, whole = [], [], [], []
        for t, title in enumerate(titles):
            ex = -1 if exclude is None else int(exclude[t])
            normalized = normalize_text(title)
            whole.append(normalized)
            for k, part in enumerate(split_segments(normalized)):
                w = 1.0 if k == 0 else p.later_segment
                # Rank-stripped variants ("电商运营专员" → "电商运营") are scored too, slightly discounted.
                for text in (part, *strip_rank(part)):
                    owner.append(t)
                    row.append(unique.setdefault((text, ex), len(unique)))
                    weight.append(w if text == part else w * p.core_exact)
        keys = list(unique)
        seg_exclude = None if exclude is None else np.array([ex for _, ex in keys], dtype=np.int64)
        # Whole titles usually equal their only segment; vectorise each distinct text once.
        for t, text in enumerate(whole):
            whole[t] = unique.setdefault((text, -1 if exclude is None else int(exclude[t])), len(unique))
        all_keys = list(unique)
        held = None if exclude is None else np.array([ex >= 0 for _, ex in all_keys])
        x = self._vectors([text for text, _ in all_keys], held)
        rows, codes, vals = self._segment_evidence(keys, x[: len(keys)], seg_exclude)
        # Fan each segment's triples out to every title occurrence that uses the segment.
        order = np.argsort(rows, kind="stable")
        rows, codes, vals = rows[order], codes[order], vals[order]
        counts = np.bincount(rows, minlength=len(keys))
        starts = np.cumsum(counts) - counts
        pair_row = np.asarray(row, dtype=np.int64)
        pair_n = counts[pair_row]
        pair_of = np.repeat(np.arange(len(pair_row)), pair_n)
        within = np.arange(pair_n.sum()) - np.repeat(np.cumsum(pair_n) - pair_n, pair_n)
        tri = starts[pair_row][pair_of] + within
        t_title = np.asarray(owner, dtype=np.int64)[pair_of]
        t_code, t_val = codes[tri], vals[tri] * np.asarray(weight, dtype=np.float32)[pair_of]
        last = np.lexsort((t_val, t_code, t_title))
        t_title, t_code, t_val = t_title[last], t_code[last], t_val[last]
        top = np.ones(len(t_title), dtype=bool)  # last of each (title, code) run holds the maximum
        top[:-1] = (t_title[1:] != t_title[:-1]) | (t_code[1:] != t_code[:-1])
        scores = np.zeros((len(titles), len(self._codes)), dtype=np.float32)
        scores[t_title[top], t_code[top]] = t_val[top]
        scores += p.def_weight * (x[np.asarray(whole)] @ self._docs_t).toarray()
        return scores

    def _decide(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Softmax over the top-k codes, subtree masses, then a top-down walk while the mass clears the threshold."""
        p = self.params
        n, c = scores.shape
        k = min(p.top_k, c)
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(scores, top, axis=1)
        best = top_scores.max(axis=1)
        w = np.exp((top_scores - best[:, None]) / p.tau)
        # A "none of these" competitor keeps weak best matches from looking certain.
        probs = w / (w.sum(axis=1) + np.exp((p.null_score - best) / p.tau))[:, None]
        # Subtree mass of every ancestor of a top-k code (sparse: at most 4k nodes per title).
        nodes = self._anc_pad[top]
        rows = np.broadcast_to(np.arange(n)[:, None, None], nodes.shape)
        vals = np.broadcast_to(probs[:, :, None], nodes.shape)
        valid = nodes >= 0
        mass = sparse.coo_matrix((vals[valid], (rows[valid], nodes[valid])), shape=(n, c)).tocsr().tocoo()
        r, nd, ms = mass.row, mass.col, mass.data
        cur = np.full(n, c)
        conf = np.zeros(n)
        alive = np.ones(n, dtype=bool)
        thresholds = np.asarray(p.thresholds)
        for _ in range(4):
            val = np.where(self._parent[nd] == cur[r], ms, -1.0)
            top_val = np.full(n, -1.0)
            np.maximum.at(top_val, r, val)
            hit = (val == top_val[r]) & (val >= 0)
            pick = np.full(n, -1)
            pick[r[hit]] = nd[hit]
            go = alive & (pick >= 0) & (top_val >= thresholds[self._levels[pick]])
            cur = np.where(go, pick, cur)
            conf = np.where(go, top_val, conf)
            alive &= go
        cur[(cur == c) | (best < p.min_evidence)] = -1
        evidence = np.clip((best - 0.1) / 0.6, 0.0, 1.0)
        return cur, np.where(cur >= 0, conf * evidence, 0.0)

    def _results(self, titles: list[str], scores: np.ndarray) -> list[CodeResult]:
        """Turn decided code indices into CodeResult objects."""
        idx, conf = self._decide(scores)
        out = []
        for title, i, cf in zip(titles, idx, conf, strict=True):
            if i < 0:
                out.append(CodeResult(title=title, code="", name=ABSTAIN_NAME, level=0, confidence=0.0))
                continue
            code = self._codes[i]
            out.append(
                CodeResult(
                    title=title,
                    code=code,
                    name=self.table[code].name,
                    level=self.table[code].level,
                    confidence=round(float(cf), 4),
                )
            )
        return out

    def code(self, title: str, description: str | None = None) -> CodeResult:
        """Code one title; a description, when present, nudges towards occupations whose definition it resembles."""
        return self.code_many([title], descriptions=[description])[0]

    def code_many(
        self, titles: list[str], *, descriptions: list[str | None] | None = None, batch_size: int = 1024
    ) -> list[CodeResult]:
        """Code many titles in vectorised batches (same answers as calling code() on each)."""
        out: list[CodeResult] = []
        for start in range(0, len(titles), batch_size):
            chunk = list(titles[start : start + batch_size])
            scores = self._title_scores(chunk)
            if descriptions is not None:
                scores += self._description_scores(descriptions[start : start + batch_size])
            out.extend(self._results(chunk, scores))
        return out

    def code_many_excluding(self, titles: list[str], *, exclude: list[int]) -> list[CodeResult]:
        """Code titles with one index entry masked per title (entry ids; used by leave-one-alias-out)."""
        out: list[CodeResult] = []
        for start in range(0, len(titles), 1024):
            chunk = list(titles[start : start + 1024])
            mask = np.asarray(exclude[start : start + 1024])
            out.extend(self._results(chunk, self._title_scores(chunk, mask)))
        return out

    @property
    def codes(self) -> list[str]:
        """All codes known to the coder, in index order."""
        return self._codes

    def _description_scores(self, descriptions: list[str | None]) -> np.ndarray:
        """Similarity of each description to each occupation's definition + tasks, weighted."""
        texts = [normalize_text(d or "") for d in descriptions]
        x = self._vec.transform(texts)
        return self.params.desc_weight * (x @ self._docs_t).toarray()


@lru_cache(maxsize=1)
def get_coder() -> OccupationCoder:
    """The process-wide coder, built once on first use."""
    return OccupationCoder.load()
