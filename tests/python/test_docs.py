"""The code in the READMEs runs as shown, and their Markdown renders.

Every code block of README.md and README-python.md either runs here or is
marked `<!-- not run: why -->` on the line before it:

- Python blocks are doctests (`>>>` lines and the output the REPL prints),
  run in a fresh interpreter, one namespace per file;
- R blocks are knitted, one R session per file, and the knitted block,
  code and `#>` output, must be the block as written;
- anything else must carry the mark.

The vignette and the help pages' examples run in `R CMD check` (make check),
which builds the one and runs the other. pandoc parses the Markdown (its
JSON gives the blocks) and renders it to HTML, where no backtick may be
left outside code (a broken code span) and no number may run into bold or
italics (`2**63` read as emphasis).
"""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from conftest import REPO, run_command

DOCS = ["README.md", "README-python.md"]
NOT_RUN = re.compile(r"^<!-- not run: (\S.*) -->$")


def pandoc(path, to):
    return run_command(["pandoc", "-f", "gfm", "-t", to, os.path.join(REPO, path)])


def code_blocks(path):
    """[(language, text, reason not run or None)] of a Markdown file."""
    blocks, previous = [], None
    for block in json.loads(pandoc(path, "json"))["blocks"]:
        if block["t"] == "CodeBlock":
            (_, classes, _), text = block["c"]
            mark = None
            if previous and previous["t"] == "RawBlock":
                found = NOT_RUN.match(previous["c"][1].strip())
                mark = found.group(1) if found else None
            blocks.append((classes[0] if classes else "", text, mark))
        previous = block
    return blocks


@pytest.mark.parametrize("path", DOCS)
def test_every_block_runs_here_or_is_marked_not_run(path):
    blocks = code_blocks(path)
    assert blocks
    for language, text, mark in blocks:
        assert language in ("python", "r") or mark, (path, language, text[:80])
        if language == "python" and not mark:
            assert text.startswith(">>> "), (path, "a Python block must be a doctest", text[:80])


@pytest.mark.parametrize("path", DOCS)
def test_the_python_blocks_print_what_they_show(path):
    doctests = [
        text for language, text, mark in code_blocks(path) if language == "python" and not mark
    ]
    if not doctests:
        pytest.skip(f"{path} has no Python block")
    # A fresh interpreter, as a reader's: this process has changed Keras's
    # global state (floatx, registered objects) in other tests.
    code = (
        "import doctest, sys\n"
        "test = doctest.DocTestParser().get_doctest(sys.stdin.read(), {}, 'docs', None, 0)\n"
        "result = doctest.DocTestRunner().run(test)\n"
        "print('DOCTEST', result.attempted, result.failed)\n"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    result = subprocess.run(
        [sys.executable, "-c", code],
        input="\n\n".join(doctests),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    attempted, failed = result.stdout.strip().splitlines()[-1].split()[1:]
    assert int(failed) == 0, result.stdout
    assert int(attempted) == sum(text.count(">>> ") for text in doctests)


@pytest.mark.parametrize("path", DOCS)
def test_the_r_blocks_knit_to_themselves(path, tmp_path):
    blocks = [text for language, text, mark in code_blocks(path) if language == "r" and not mark]
    if not blocks:
        pytest.skip(f"{path} has no R block")
    chunks = [
        "```{r, include = FALSE}\n"
        'knitr::opts_chunk$set(collapse = TRUE, comment = "#>", fig.path = "figures/")\n```'
    ]
    for text in blocks:
        code = "\n".join(line for line in text.splitlines() if not line.startswith("#>"))
        chunks.append(f"```{{r}}\n{code}\n```")
    (tmp_path / "docs.Rmd").write_text("\n\n".join(chunks) + "\n")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    env.setdefault("RETICULATE_PYTHON", sys.executable)
    run_command(
        ["Rscript", "-e", 'knitr::knit("docs.Rmd", "docs.md", quiet = TRUE)'], env=env, cwd=tmp_path
    )
    knitted = (tmp_path / "docs.md").read_text()
    # knitr splits a chunk around each figure: join the pieces of each.
    pieces = re.split(r"\n```\n\n!\[[^\]]*\]\([^)]*\)\n\n```r\n", knitted)
    knitted = "\n".join(pieces)
    found = re.findall(r"```r\n(.*?)\n```", knitted, re.S)
    assert [b.rstrip() for b in found] == [b.rstrip() for b in blocks]


class TextOutsideCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in ("code", "pre")

    def handle_endtag(self, tag):
        self.depth -= tag in ("code", "pre")

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


@pytest.mark.parametrize("path", [*DOCS, "NEWS.md", "CONTRIBUTING.md"])
def test_the_markdown_renders_without_broken_code_spans_or_stray_emphasis(path):
    html = pandoc(path, "html")
    parser = TextOutsideCode()
    parser.feed(html)
    stray = [text for text in parser.text if "`" in text]
    assert stray == [], (path, stray)
    assert not re.findall(r"\d<(strong|em)>", html), path


def test_no_placeholder_address_is_left_in_the_tree():
    """The project has no public home yet: no URL field, and no address
    that leads nowhere, in any tracked file."""
    files = run_command(["git", "ls-files"], cwd=REPO).split()
    found = []
    for name in files:
        path = os.path.join(REPO, name)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        # Spelt in two parts, so that this file does not find itself.
        found += [name for tld in ("org", "com") if "example." + tld in text]
    assert found == []
