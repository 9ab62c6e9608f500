"""The pure parsers on every recorded Douban response, and on broken and block variants of them."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from worker.douban import Blocked, ParseError, SubjectGone, parse_search, parse_subject, parse_suggest
from tests.worker.recordings import FIXTURE_DIR, names, read

# What each recorded subject page says (checked by eye against the pages and SOURCES.md).
SUBJECTS = {
    "subject_3541415.html": ("3541415", "盗梦空间", "Inception", 2010, 9.4, 1970885, "movie", "tt1375666"),
    "subject_4296866.html": ("4296866", "神秘博士：逃跑新娘", "Doctor Who: The Runaway Bride", 2006, 9.0, 8205,
                             "movie", "tt0827573"),
    "subject_1920763.html": ("1920763", "太空堡垒卡拉狄加", "Battlestar Galactica", 2003, 8.7, 5535, "tv", "tt0314979"),
    "subject_26895436.html": ("26895436", "北海鲸梦", "The North Water", 2021, 8.2, 7995, "tv", "tt7660970"),
    "subject_3627919.html": ("3627919", "神秘博士 第四季", "Doctor Who Season 4", 2008, 9.6, 15713, "tv", "tt1159991"),
    "subject_26816519.html": ("26816519", "逃避虽可耻但有用", "逃げるは恥だが役に立つ", 2016, 8.4, 154384, "tv",
                              "tt5917100"),
}


def test_every_recorded_subject_page_has_an_expectation():
    assert set(names("subject_*.html")) == set(SUBJECTS)


def test_every_recording_is_used_by_these_tests():
    """A new file in the recordings folder must get a test here (or in the client tests, for observations)."""
    used = {*SUBJECTS, "www_search_cat1002_nigeruha.html", "suggest_q_1_2018.json",
            "suggest_jingtian_yingjiu_2023.json", "blocked_403_login_redirect_2023.html", *names("api_v2_*.json"),
            "blocked_observations.json"}  # the observations are played by the fake Douban's misbehaviour modes
    assert set(names("*")) - {"NOTES.md", "SOURCES.md"} == used


def test_recordings_are_the_bytes_sources_md_describes():
    """Each recording is listed in SOURCES.md with its sha256, and is unchanged since it was recorded."""
    listed = dict(reversed(line.split("  ")) for line in read("SOURCES.md").splitlines()
                  if re.fullmatch(r"[0-9a-f]{64}  \S+", line))
    assert set(listed) == set(names("*")) - {"NOTES.md", "SOURCES.md"}
    for name, digest in listed.items():
        assert hashlib.sha256((FIXTURE_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("name", sorted(SUBJECTS))
def test_parse_subject_recorded(name):
    record = parse_subject(read(name))
    douban_id, title, original, year, rating, votes, kind, imdb = SUBJECTS[name]
    assert (record.douban_id, record.title, record.original_title, record.year) == (douban_id, title, original, year)
    assert (record.rating, record.votes, record.kind, record.imdb_id) == (rating, votes, kind, imdb)
    assert re.match(r"https://img\d\.doubanio\.com/view/photo/s_ratio_poster/public/p\d+\.(jpg|webp)$",
                    record.poster_url)


# The 又名 (also known as) list and the release years of each recorded subject page (read off the pages).
AKA = {
    "subject_3541415.html": (("潜行凶间(港)", "全面启动(台)", "奠基", "心灵犯案", "记忆迷阵", "记忆魔方"), (2010, 2020)),
    "subject_4296866.html": (("神秘博士：2006圣诞特别篇",), (2006,)),
    "subject_1920763.html": (("太空堡垒卡拉狄加 电视迷你剧", "太空战星"), (2003,)),
    "subject_26895436.html": (("北方海域", "北海鲸魂"), (2021,)),
    "subject_3627919.html": (("异世奇人 第四季", "哪一位博士 第四季", "下一位博士 第四季", "Dr. Who Season 4"), (2008,)),
    "subject_26816519.html": (("雇佣妻子(港)", "月薪娇妻(台)", "逃跑是可耻但是有用", "逃避虽可耻但很有用", "逃避可耻但有用",
                               "Nigeru wa Haji da ga Yaku ni Tatsu", "Runaway is Ashamed But Helpful",
                               "We Married as Job"), (2016,)),
}


@pytest.mark.parametrize("name", sorted(AKA))
def test_parse_subject_also_known_as_and_release_years(name):
    record = parse_subject(read(name))
    assert (record.aka, record.release_years) == AKA[name]


def test_parse_subject_without_also_known_as():
    html = re.sub(r'<span class="pl">又名:</span>[^\n]*<br/>', "", read("subject_3541415.html"))
    record = parse_subject(html)
    assert record.aka == () and record.imdb_id == "tt1375666"


def test_parse_subject_without_rating_and_with_empty_date_published():
    html = read("subject_4296866.html")
    html = re.sub(r'(<strong class="ll rating_num" property="v:average">)[^<]*(</strong>)', r"\1\2", html)
    html = re.sub(r'<span property="v:votes">\d+</span>', "", html)
    html = re.sub(r'"ratingValue": "[^"]*"', '"ratingValue": ""', html)
    html = re.sub(r'"datePublished": "[^"]*"', '"datePublished": ""', html)
    record = parse_subject(html)
    assert (record.rating, record.votes, record.year) == (None, None, 2006)


def test_parse_subject_year_falls_back_to_date_published():
    html = re.sub(r'<span class="year">\(\d+\)</span>', "", read("subject_3541415.html"))
    assert parse_subject(html).year == 2010


def test_parse_subject_tolerates_raw_newlines_in_ld_json():
    html = read("subject_3541415.html").replace('"name": "盗梦空间 Inception"', '"name": "盗梦空间\nInception"')
    html = re.sub(r'<span property="v:itemreviewed">[^<]*</span>', "", html)
    record = parse_subject(html)
    assert (record.douban_id, record.title, record.original_title) == ("3541415", "盗梦空间", "Inception")


def test_parse_subject_poster_falls_back_to_og_image():
    html = re.sub(r'<img src="[^"]*"[^>]*rel="v:image" />', "", read("subject_1920763.html"), count=1)
    assert parse_subject(html).poster_url.endswith("/p2518294854.jpg")


@pytest.mark.parametrize("cut_before", ["<title>", 'property="v:itemreviewed"', "豆瓣评分"])
def test_parse_subject_truncated_page_is_a_parse_error(cut_before):
    html = read("subject_3541415.html")
    with pytest.raises(ParseError):
        parse_subject(html[: html.index(cut_before)])


@pytest.mark.parametrize("marker", ["<title>页面不存在</title>", "呃... 你想访问的条目豆瓣不收录。",
                                    "根据相关法律法规，当前条目正在等待审核。"])
def test_parse_subject_removed_entry(marker):
    with pytest.raises(SubjectGone):
        parse_subject(f"<html><head></head><body><p>{marker}</p></body></html>")


def test_parse_search_recorded():
    records = parse_search(read("www_search_cat1002_nigeruha.html"))
    assert [(r.douban_id, r.title, r.original_title, r.year, r.rating, r.votes) for r in records] == [
        ("26816519", "逃避虽可耻但有用", "逃げるは恥だが役に立つ", 2016, 8.4, 154381),
        ("35211578", "逃避虽可耻但有用 新春特别篇", "逃げるは恥だが役に立つ ガンバレ人類! 新春スペシャル!!", 2021, 8.4, 26905),
        ("35071038", "逃避虽可耻但有用 爱的悸动！特别篇", "逃げるは恥だが役に立つ ムズキュン！特別編", 2020, 8.9, 1179),
    ]
    assert records[0].poster_url == "https://img2.doubanio.com/view/photo/s_ratio_poster/public/p2400201631.webp"
    assert all(r.kind is None for r in records)  # "[电影]" is shown for films and series alike


def test_parse_search_result_not_yet_rated_and_without_original_title():
    html = read("www_search_cat1002_nigeruha.html")
    html = html.replace('<span class="rating_nums">8.4</span>', "<span>(尚未播出)</span>", 1)
    html = html.replace("原名:逃げるは恥だが役に立つ / ", "", 1)
    first = parse_search(html)[0]
    assert first.rating is None and first.votes == 154381
    assert (first.original_title, first.year) == ("逃げるは恥だが役に立つ", 2016)  # from the poster link's title


def test_a_link_to_the_security_host_on_a_normal_page_is_not_a_block():
    html = read("www_search_cat1002_nigeruha.html").replace("</body>", '<a href="https://sec.douban.com/">?</a></body>')
    assert len(parse_search(html)) == 3
    subject = read("subject_3541415.html").replace("</body>", '<a href="https://sec.douban.com/">?</a></body>')
    assert parse_subject(subject).douban_id == "3541415"


def test_parse_search_tv_label():
    html = read("www_search_cat1002_nigeruha.html").replace("<span>[电影]</span>", "<span>[电视剧]</span>", 1)
    assert [r.kind for r in parse_search(html)] == ["tv", None, None]


def test_parse_search_no_results_is_empty_not_an_error():
    html = read("www_search_cat1002_nigeruha.html")
    start, end = html.index('<div class="result-list">'), html.index('<div class="back-to-top">')
    empty = html[:start] + "</div>" + html[end:]
    assert parse_search(empty) == []
    with pytest.raises(Blocked):  # an empty list next to a link to the security host is risk control
        parse_search(empty.replace("</body>", '<a href="https://sec.douban.com/b?r=x">?</a></body>'))


def test_parse_suggest_recorded_2018():
    records = parse_suggest(read("suggest_q_1_2018.json"))
    assert [(r.douban_id, r.title, r.original_title, r.year, r.kind) for r in records] == [
        ("26302614", "请回答1988", "응답하라 1988", 2015, "tv"),
        ("1293182", "十二怒汉", "12 Angry Men", 1957, "movie"),
        ("4164444", "127小时", "127 Hours", 2010, "movie"),
    ]  # the three celebrities are dropped
    assert records[1].poster_url == "https://img3.doubanio.com/view/photo/s_ratio_poster/public/p2173577632.jpg"
    assert all(r.rating is None for r in records)


def test_parse_suggest_recorded_2023():
    records = parse_suggest(read("suggest_jingtian_yingjiu_2023.json"))
    assert [(r.douban_id, r.title, r.original_title, r.year) for r in records] == [
        ("35056376", "惊天营救2", "Extraction 2", 2023),
        ("30314127", "惊天营救", "Extraction", 2020),
        ("35215919", "惊天救援", "惊天救援", 2023),
    ]


def test_parse_suggest_missing_fields():
    text = json.dumps([{"type": "movie", "id": "1", "title": "片"}, {"type": "movie", "title": "no id"}])
    [record] = parse_suggest(text)
    assert (record.original_title, record.year, record.poster_url, record.kind) == ("片", None, None, "movie")


@pytest.mark.parametrize("name", names("api_v2_*.json"))
def test_old_api_error_bodies_are_parse_errors_for_every_parser(name):
    for parse in (parse_suggest, parse_search, parse_subject):
        with pytest.raises(ParseError):
            parse(read(name))


# Block pages: the recorded login-redirect page, and bodies built from what NOTES.md describes.
THROTTLED_JSON = '{"count":0,"error_info":"\\u641c\\u7d22\\u8bbf\\u95ee\\u592a\\u9891\\u7e41\\u3002","items":[]}'
CHALLENGE = ('<html><head><title>载入中...</title></head><body><form id="sec" method="POST" action="/c">'
             '<input name="tok" value="t"><input name="cha" value="c"><input name="sol" value="">'
             '<input name="red" value="https://movie.douban.com/subject/1/"></form></body></html>')
BLOCK_BODIES = {
    "login_redirect": lambda: read("blocked_403_login_redirect_2023.html"),
    "throttled_search_json": lambda: THROTTLED_JSON,
    "throttled_search_text": lambda: "<html><body><div class='search-result'>搜索访问太频繁。</div></body></html>",
    "challenge": lambda: CHALLENGE,
    "ip_ban_004": lambda: "<html><body>error code: 004</body></html>",
    "sec_link": lambda: '<html><body><a href="https://sec.douban.com/b?r=x">continue</a></body></html>',
}


@pytest.mark.parametrize("body", sorted(BLOCK_BODIES))
@pytest.mark.parametrize("parse", [parse_search, parse_suggest, parse_subject], ids=lambda f: f.__name__)
def test_block_pages_are_blocks_not_not_found(parse, body):
    with pytest.raises(Blocked):
        parse(BLOCK_BODIES[body]())


@pytest.mark.parametrize("garbage", ["", "<html><body>hello</body></html>", "\x00\xff garbage {", "[1, 2"])
@pytest.mark.parametrize("parse", [parse_search, parse_suggest, parse_subject], ids=lambda f: f.__name__)
def test_garbage_is_a_parse_error(parse, garbage):
    with pytest.raises(ParseError):
        parse(garbage)
