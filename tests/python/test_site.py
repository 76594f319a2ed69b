"""The pkgdown site as a reader sees it: built offline from this tree, its
home page, reference page for learning_rate_schedule_inverse_time_decay and
article opened in headless Chromium: the usage line and the figure drawn,
install first on the home page, the Python page in the navbar, a clean
article title, a whole Value paragraph, and nothing that breaks once
deployed (no file:// link, no image without a source)."""

import os
import re
import shutil
import struct
import zlib

import pytest
from conftest import REPO, r_missing, run_command

PAGE = "reference/learning_rate_schedule_inverse_time_decay.html"
FIGURE = "reference/figures/inverse-time-decay.png"


def read_png(path):
    """8-bit RGB or RGBA, non-interlaced (what Chromium writes): rows of pixels."""
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw, stride, rows, previous = (
        zlib.decompress(idat),
        width * channels,
        [],
        bytes(width * channels),
    )
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels : x * channels + 3]) for x in range(width)])
        previous = bytes(line)
    return rows


def write_white_png(path, width, height):
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def dark_pixels(rows):
    return sum(1 for row in rows for r, g, b in row if r + g + b < 3 * 160)


def chromium(*args):
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("chromium is not installed (make setup installs it)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    return run_command([browser, *flags, "--window-size=1024,1200", *args], timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if shutil.which("Rscript") is None:
        r_missing("Rscript is not installed")
    destination = tmp_path_factory.mktemp("site")
    env = dict(os.environ, R_LIBS=os.environ.get("R_LIBS", os.path.join(REPO, ".Rlib")))
    # What `make site` runs; the examples (a Keras fit) are left out here.
    run_command(["Rscript", "tools/site.R", str(destination), "--no-examples"], env=env)
    return destination


def test_the_site_has_the_readme_reference_vignette_and_news(site):
    for page in ("index.html", PAGE, "articles/choosing-decay.html", "news/index.html"):
        assert (site / page).is_file(), page
    vignette = (site / "articles/choosing-decay.html").read_text()
    assert "Choosing" in vignette and vignette.count("<img") >= 3  # its curves and the fit


def test_the_reference_page_shows_the_usage_line_and_draws_the_figure(site, tmp_path):
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", (site / PAGE).as_uri())
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", dom))
    assert (
        "learning_rate_schedule_inverse_time_decay( initial_learning_rate, decay_steps, "
        "decay_rate, staircase = FALSE, ..., name = NULL )" in text
    )
    assert 'src="figures/inverse-time-decay.png"' in dom

    shot = tmp_path / "page.png"
    chromium(f"--screenshot={shot}", (site / PAGE).as_uri())
    rows = read_png(shot)
    assert len({pixel for row in rows for pixel in row}) > 50  # not blank

    # The figure is drawn: with a white image of its size in its place, the
    # same page (same layout) is much lighter.
    bare = tmp_path / "bare"
    shutil.copytree(site, bare)
    width, height = struct.unpack(">II", (site / FIGURE).read_bytes()[16:24])
    write_white_png(bare / FIGURE, width, height)
    bare_shot = tmp_path / "bare.png"
    chromium(f"--screenshot={bare_shot}", (bare / PAGE).as_uri())
    assert dark_pixels(rows) > dark_pixels(read_png(bare_shot)) + 2000


def rendered_text(site, page):
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", (site / page).as_uri())
    return dom, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_the_site_deploys_anywhere_no_file_links_no_empty_images(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text()
        assert "file://" not in html, page
        assert not re.search(r"<img[^>]*src=\"\"", html), page
        assert not re.search(r"<img(?![^>]*\bsrc=)[^>]*>", html), page


def test_the_home_page_is_for_users_install_first_python_in_the_navbar(site):
    dom, text = rendered_text(site, "index.html")
    assert "Install" in text and "install_inverse_time_decay()" in text
    assert 'pip install "inverse_time_decay[tensorflow]"' in text
    assert text.index("Install") < text.index("From a checkout")
    # The navbar links the Python page, and no address the project does not have.
    navbar = dom[dom.index("<nav") : dom.index("</nav>")]
    assert 'href="README-python.html"' in navbar
    assert "example." + "org" not in dom


def test_the_article_title_is_clean_and_the_value_section_whole(site):
    dom, _ = rendered_text(site, "articles/choosing-decay.html")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", dom, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", title).strip() == "Choosing decay_rate and decay_steps"
    assert "`" not in title
    html = (site / PAGE).read_text()
    value = html[html.index('id="value"') : html.index('id="details"')]
    assert value.count("<p>") == 1  # one paragraph, not broken mid-sentence
    assert re.search(
        r"becomes the Keras <code>LearningRateSchedule</code> where\s+it is handed", value
    )
