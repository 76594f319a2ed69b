"""Mutation score of the R code (R/*.R) and the C code (src/schedule.c).

Each mutant flips one operator or constant in a copy of the tree: + and -,
* and /, < and <=, > and >=, == and !=, && and ||, TRUE and FALSE, and a
number n to n + 1 (0 to 1, 1 to 0). R's own parser finds the R tokens (none
in strings or comments); in C, binary operators written with spaces round
them and numbers in the functions' bodies. The copy is installed and
testthat runs, stopping at the first failure: a failure kills the mutant; a
mutant that does not install is counted apart. Two workers, one copy each;
MUTATION_CHILDREN sets how many (a run waits mostly on R and Python
starting, so more workers than cores still help).

Usage: python tools/mutation/r.py WORK [FILE...]
(FILEs, such as R/floatx.R, limit the run to their mutants.)
"""

import concurrent.futures
import csv
import io
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
R_FLIPS = {
    "'+'": "-",
    "'-'": "+",
    "'*'": "/",
    "'/'": "*",
    "LT": "<=",
    "LE": "<",
    "GT": ">=",
    "GE": ">",
    "EQ": "!=",
    "NE": "==",
    "AND2": "||",
    "OR2": "&&",
}
C_FLIPS = {
    "+": "-",
    "-": "+",
    "*": "/",
    "/": "*",
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "==": "!=",
    "!=": "==",
    "&&": "||",
    "||": "&&",
}
# Those files that start no Python first, so that most mutants die within
# seconds; test_dir() stops at the first failing file, "stop" at the first
# failure.
TESTS = (
    "run <- function(invert) testthat::test_dir('tests/testthat',"
    " filter = 'keras|python', invert = invert, package = 'inversetimedecay',"
    " load_package = 'installed', reporter = 'stop', stop_on_warning = FALSE);"
    " run(TRUE); run(FALSE)"
)


def bumped(number):
    """n to n + 1, 0 to 1 and 1 to 0, keeping R's L suffix."""
    suffix = "L" if number.endswith("L") else ""
    value = float(number.rstrip("L"))
    new = 0 if value == 1 else value + 1
    text = repr(new) if isinstance(new, float) and not new.is_integer() else str(int(new))
    if "." in number and "." not in text:
        text += ".0"
    return text + suffix


def r_mutants():
    code = (
        "for (f in list.files('R', full.names = TRUE)) {"
        " p <- utils::getParseData(parse(f, keep.source = TRUE));"
        " p <- p[p$terminal, c('line1', 'col1', 'col2', 'token', 'text')];"
        " write.table(cbind(file = f, p), stdout(), sep = '\\t', quote = FALSE,"
        " row.names = FALSE, col.names = FALSE) }"
    )
    out = subprocess.run(
        ["Rscript", "-e", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    mutants = []
    for file, line, col1, col2, token, text in csv.reader(io.StringIO(out), delimiter="\t"):
        if token in R_FLIPS:
            new = R_FLIPS[token]
        elif token == "NUM_CONST" and text in ("TRUE", "FALSE"):
            new = "FALSE" if text == "TRUE" else "TRUE"
        elif token == "NUM_CONST" and re.fullmatch(r"[0-9.]+L?", text):
            new = bumped(text)
        else:
            continue
        mutants.append((file, int(line), int(col1) - 1, int(col2), text, new))
    return mutants


def c_mutants(path="src/schedule.c"):
    with open(os.path.join(REPO, path)) as handle:
        text = handle.read()
    # Comments blanked (newlines kept), so positions stay those of the file.
    blank = re.sub(
        r"/\*.*?\*/|//[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S
    )
    lines, code_lines = text.split("\n"), blank.split("\n")
    start = next(i for i, s in enumerate(lines) if s.startswith("NO_CONTRACTION"))
    end = next(i for i, s in enumerate(lines) if "R_CallMethodDef" in s)
    mutants = []
    for index in range(start, end):
        code = code_lines[index]
        for match in re.finditer(r"(?<= )(<=|>=|==|!=|&&|\|\||[-+*/<>])(?= )", code):
            mutants.append(
                (path, index + 1, match.start(), match.end(), match.group(), C_FLIPS[match.group()])
            )
        for match in re.finditer(r"(?<![\w.])(\d+\.\d+|\d+)(?![\w.])", code):
            mutants.append(
                (path, index + 1, match.start(), match.end(), match.group(), bumped(match.group()))
            )
    return mutants


def run_mutant(workdir, library, mutant):
    path, line, start, end, old, new = mutant
    full = os.path.join(workdir, path)
    with open(full) as handle:
        original = handle.read()
    lines = original.split("\n")
    assert lines[line - 1][start:end] == old, (mutant, lines[line - 1])
    lines[line - 1] = lines[line - 1][:start] + new + lines[line - 1][end:]
    with open(full, "w") as handle:
        handle.write("\n".join(lines))
    # The project's Python, so that the tests that need Keras run, not skip.
    env = dict(
        os.environ,
        R_LIBS=f"{library}:{os.path.join(REPO, '.Rlib')}",
        RETICULATE_PYTHON=os.environ.get("RETICULATE_PYTHON", sys.executable),
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    try:
        install = subprocess.run(
            [
                "R",
                "CMD",
                "INSTALL",
                "--no-docs",
                "--no-html",
                "--no-test-load",
                "--no-byte-compile",
                "--no-multiarch",
                "-l",
                library,
                ".",
            ],
            cwd=workdir,
            capture_output=True,
            env=env,
            check=False,
        )
        if install.returncode != 0:
            return mutant, "did not build"
        tests = subprocess.run(
            ["Rscript", "-e", TESTS],
            cwd=workdir,
            capture_output=True,
            env=env,
            timeout=600,
            check=False,
        )
        return mutant, "killed" if tests.returncode != 0 else "survived"
    except subprocess.TimeoutExpired:
        return mutant, "killed"  # by timeout
    finally:
        with open(full, "w") as handle:
            handle.write(original)


def worker(work, number, mutants):
    workdir, library = os.path.join(work, f"tree{number}"), os.path.join(work, f"lib{number}")
    subprocess.run(
        ["bash", os.path.join(REPO, "tools", "ci", "copy-tree.sh"), REPO, workdir], check=True
    )
    os.makedirs(library, exist_ok=True)
    results = []
    for mutant in mutants:
        results.append(run_mutant(workdir, library, mutant))
        print(f"{results[-1][1]:>13}  {describe(mutant)}", flush=True)
    return results


def describe(mutant):
    path, line, _, _, old, new = mutant
    return f"{path}:{line}: {old} -> {new}"


def main(work, files=()):
    work = os.path.abspath(work)  # R CMD INSTALL changes directory
    os.makedirs(work, exist_ok=True)
    mutants = r_mutants() + c_mutants()
    if files:
        wanted = {os.path.normpath(f) for f in files}
        mutants = [m for m in mutants if os.path.normpath(m[0]) in wanted]
    workers = int(os.environ.get("MUTATION_CHILDREN", "2"))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        chunks = [mutants[i::workers] for i in range(workers)]
        results = [
            r
            for f in [pool.submit(worker, work, i, c) for i, c in enumerate(chunks)]
            for r in f.result()
        ]
    for language, prefix in (("R", "R/"), ("C", "src/")):
        mine = [(m, o) for m, o in results if m[0].startswith(prefix)]
        built = [(m, o) for m, o in mine if o != "did not build"]
        killed = sum(o == "killed" for _, o in built)
        print(
            f"{language} mutants: {killed} killed of {len(built)}"
            f" ({len(mine) - len(built)} did not build)"
        )
        for mutant, outcome in sorted(built):
            if outcome == "survived":
                print(f"  survived  {describe(mutant)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
